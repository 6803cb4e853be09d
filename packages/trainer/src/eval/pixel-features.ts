/**
 * The feature space for scoring colour (or any) images without a trained network: each image as a
 * thumbnail of `side × side` pixels (the mean of each block, so 64×64 images become 8×8 blocks of
 * 8×8), in RGB, transparent pixels composited onto white. 8×8×3 = 192 numbers per image. It sees
 * colour layout and coarse shape — a blurry blob of the right colours scores well — and nothing of
 * fine detail or semantics: much weaker than FID's Inception features, but fixed, cheap and the same
 * everywhere. Scores in it compare runs on the same data; they are not comparable to published FIDs.
 */
export function pixelFeatures(
  pixels: Float32Array,
  count: number,
  shape: { width: number; height: number; channels: number },
  side = 8,
): Float32Array {
  const { width, height, channels } = shape
  const out = new Float32Array(count * side * side * 3)
  for (let n = 0; n < count; n++) {
    for (let by = 0; by < side; by++) {
      for (let bx = 0; bx < side; bx++) {
        const y0 = Math.floor((by * height) / side)
        const y1 = Math.max(y0 + 1, Math.floor(((by + 1) * height) / side))
        const x0 = Math.floor((bx * width) / side)
        const x1 = Math.max(x0 + 1, Math.floor(((bx + 1) * width) / side))
        const sum = [0, 0, 0]
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            const p = ((n * height + y) * width + x) * channels
            const alpha = channels === 4 ? pixels[p + 3]! : 1
            for (let c = 0; c < 3; c++) {
              const v = channels === 1 ? pixels[p]! : pixels[p + c]!
              sum[c]! += v * alpha + (1 - alpha)
            }
          }
        }
        const area = (y1 - y0) * (x1 - x0)
        for (let c = 0; c < 3; c++) out[((n * side + by) * side + bx) * 3 + c] = sum[c]! / area
      }
    }
  }
  return out
}
