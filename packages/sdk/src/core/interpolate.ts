/**
 * `steps` latents from `a` to `b` (inclusive: the first is `a`, the last `b`, bit for bit).
 * `slerp` (White, "Sampling Generative Networks", 2016) moves along the great circle between them
 * at constant angular speed, so intermediate latents keep a length typical of a Gaussian latent,
 * where `lerp`'s midpoints are shorter than any sample (and look washed out). Nearly parallel
 * latents, where the circle is undefined, fall back to lerp. Not part of the seed contract: it uses
 * Math.acos and Math.sin, whose last bits may differ between engines.
 */
export function interpolateLatents(a: Float32Array, b: Float32Array, steps: number, method: 'slerp' | 'lerp'): Float32Array[] {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1))))
  const sinOmega = Math.sin(omega)
  const spherical = method === 'slerp' && sinOmega > 1e-6
  return Array.from({ length: steps }, (_, step) => {
    if (step === 0) return a.slice()
    if (step === steps - 1) return b.slice()
    const t = step / (steps - 1)
    const [wa, wb] = spherical ? [Math.sin((1 - t) * omega) / sinOmega, Math.sin(t * omega) / sinOmega] : [1 - t, t]
    return Float32Array.from(a, (x, i) => wa * x + wb * b[i]!)
  })
}
