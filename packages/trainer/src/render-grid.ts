import { encode } from 'fast-png'

/**
 * Tile `count` NHWC images with values in `range` into one PNG grid, `cols` per row, with a
 * 2-pixel black gutter so neighbouring images don't touch. Values become bytes as the SDK's
 * `generate()` makes them, so a tile equals the image the SDK gives for the same latent: `range`
 * maps linearly onto 0–255, rounded half up and clamped, NaN → 0.
 */
export function renderGrid(
  pixels: Float32Array,
  count: number,
  shape: { width: number; height: number; channels: 1 | 3 | 4 },
  options: { cols?: number; range?: readonly [number, number] } = {},
): Uint8Array {
  const { width: w, height: h, channels: c } = shape
  const [lo, hi] = options.range ?? [-1, 1]
  const cols = options.cols ?? Math.ceil(Math.sqrt(count))
  const rows = Math.ceil(count / cols)
  const W = cols * (w + GUTTER) + GUTTER
  const H = rows * (h + GUTTER) + GUTTER
  const out = new Uint8Array(W * H * c)
  // The SDK's rule (core/kernels/pixels.ts): clamp(trunc(x · scale + shift)) in float64.
  const scale = 255 / (hi - lo)
  const shift = 0.5 - lo * scale
  for (let n = 0; n < count; n++) {
    const ox = GUTTER + (n % cols) * (w + GUTTER)
    const oy = GUTTER + Math.floor(n / cols) * (h + GUTTER)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          const v = pixels[((n * h + y) * w + x) * c + k]! * scale + shift
          out[((oy + y) * W + ox + x) * c + k] = v >= 255 ? 255 : v > 0 ? Math.trunc(v) : 0
        }
      }
    }
  }
  return encode({ width: W, height: H, data: out, channels: c, depth: 8 })
}

/** Pixels between tiles and around the grid. */
export const GUTTER = 2
