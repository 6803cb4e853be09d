import type { ModelInfo } from './model-info.js'

/**
 * Image `index` of a model output batch → RGBA bytes: `range` maps linearly onto 0–255 (rounded,
 * clamped); grey is replicated into R, G and B; alpha is 255 unless the model outputs it.
 */
export function toRgba(output: Float32Array, index: number, info: ModelInfo): Uint8Array {
  const { width, height, channels, layout } = info
  const [lo, hi] = info.range
  const scale = 255 / (hi - lo)
  const pixels = width * height
  const base = index * pixels * channels
  const rgba = new Uint8Array(pixels * 4)
  // Strides of pixel p and channel k inside one image, for either layout.
  const pStride = layout === 'NHWC' ? channels : 1
  const kStride = layout === 'NHWC' ? 1 : pixels
  for (let p = 0; p < pixels; p++) {
    const src = base + p * pStride
    const dst = p * 4
    for (let k = 0; k < channels; k++) {
      const v = (output[src + k * kStride]! - lo) * scale + 0.5
      rgba[dst + k] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0
    }
    if (channels === 1) rgba[dst + 1] = rgba[dst + 2] = rgba[dst]!
    if (channels !== 4) rgba[dst + 3] = 255
  }
  return rgba
}
