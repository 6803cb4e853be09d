import { encode } from 'fast-png'

/**
 * Tile `count` NHWC images with values in `range` into one PNG grid, `cols` per row, with a
 * 2-pixel dark gutter so neighbouring digits don't touch.
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
  const gap = 2
  const W = cols * (w + gap) + gap
  const H = rows * (h + gap) + gap
  const out = new Uint8Array(W * H * c)
  const scale = 255 / (hi - lo)
  for (let n = 0; n < count; n++) {
    const ox = gap + (n % cols) * (w + gap)
    const oy = gap + Math.floor(n / cols) * (h + gap)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          const v = (pixels[((n * h + y) * w + x) * c + k]! - lo) * scale
          out[((oy + y) * W + ox + x) * c + k] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)
        }
      }
    }
  }
  return encode({ width: W, height: H, data: out, channels: c, depth: 8 })
}
