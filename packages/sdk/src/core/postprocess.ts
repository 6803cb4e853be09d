import type { ModelContract } from './contract.js'

// Pixels are written as one 32-bit word each; the typed array's byte order decides where R lands.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/**
 * The first `count` images of a model output batch → RGBA bytes, `width × height × 4` per image,
 * back to back. `range` maps linearly onto 0–255, rounded half up and clamped (NaN → 0); grey is
 * replicated into R, G and B; alpha is 255 unless the model outputs it.
 *
 * Runs once per pixel of every image, so it converts IN PLACE: the RGBA bytes overwrite `output`'s
 * own buffer (returned as a view), saving an allocation the size of the batch. That is safe because
 * pixel i's word overwrites bytes 4i…4i+3, i.e. float i, and every float pixel i reads sits at
 * index ≥ i (it is pixel i's own, or belongs to a later pixel); so nothing is overwritten before it
 * has been read. The caller must own `output` and not read it afterwards.
 */
export function toRgbaInPlace(output: Float32Array, count: number, contract: ModelContract): Uint8Array {
  const { width, height, channels, layout } = contract
  const [lo, hi] = contract.range
  const scale = 255 / (hi - lo)
  const shift = 0.5 - lo * scale // byte = floor(x·scale + shift), clamped
  const pixels = width * height
  const words = new Int32Array(output.buffer, output.byteOffset, count * pixels)
  const [R, G, B, A] = LITTLE_ENDIAN ? [0, 8, 16, 24] : [24, 16, 8, 0]
  const OPAQUE = (0xff << A) | 0
  // Locals only in the loops below (no closures over them, no module bindings): V8 reloads captured
  // and module-level variables from the heap on every pixel, which made these loops 1.5–2× slower.
  if (channels === 1) {
    const GREY = (1 << R) | (1 << G) | (1 << B)
    for (let i = 0, end = words.length; i < end; i++) words[i] = OPAQUE | (clampByte(output[i]! * scale + shift) * GREY)
  } else {
    // Strides of pixel p and channel k inside one image, for either layout.
    const pStride = layout === 'NHWC' ? channels : 1
    const kStride = layout === 'NHWC' ? 1 : pixels
    for (let n = 0; n < count; n++) {
      const base = n * pixels * channels
      for (let p = 0; p < pixels; p++) {
        const src = base + p * pStride
        const alpha = channels === 4 ? clampByte(output[src + 3 * kStride]! * scale + shift) << A : OPAQUE
        const r = clampByte(output[src]! * scale + shift) << R
        const g = clampByte(output[src + kStride]! * scale + shift) << G
        words[n * pixels + p] = alpha | r | g | (clampByte(output[src + 2 * kStride]! * scale + shift) << B)
      }
    }
  }
  return new Uint8Array(output.buffer, output.byteOffset, count * pixels * 4)
}

/** Truncation after adding 0.5 rounds half up; NaN fails both comparisons and truncates to 0. */
function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : v | 0
}
