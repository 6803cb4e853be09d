import type { LatentDistribution } from 'gan-sdk/contract'

/** Latents the parity check feeds both runtimes: more than one, so batching bugs show. */
export const VERIFY_LATENTS = 8

/**
 * {@link VERIFY_LATENTS} fixed latent vectors, row-major [VERIFY_LATENTS, latentSize]: six draws
 * from the model's distribution, one all-zero vector (biases and BN shifts alone) and one draw
 * scaled ×2.5 (the tails, where saturation and clipping bugs show). Deterministic, so a parity
 * failure reproduces.
 */
export function verificationLatents(latentSize: number, distribution: LatentDistribution): Float32Array {
  const random = mulberry32(0x9e3779b9)
  const draw = distribution === 'uniform' ? () => random() * 2 - 1 : () => normal(random)
  const out = new Float32Array(VERIFY_LATENTS * latentSize)
  for (let row = 0; row < VERIFY_LATENTS; row++) {
    if (row === 6) continue // stays all zero
    const scale = row === 7 ? 2.5 : 1
    for (let i = 0; i < latentSize; i++) out[row * latentSize + i] = scale * draw()
  }
  return out
}

/** A small, well-mixed 32-bit PRNG; uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Box–Muller; 1 − u keeps the logarithm's argument in (0, 1]. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
