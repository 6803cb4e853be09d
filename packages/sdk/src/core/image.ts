import { encode } from 'fast-png'
import type { Seed } from './seed.js'

/** One generated image: RGBA bytes plus what produced it. */
export class GeneratedImage {
  constructor(
    readonly width: number,
    readonly height: number,
    /** Channels of the model's output (1 grey, 3 RGB, 4 RGBA); `data` is always RGBA. */
    readonly channels: 1 | 3 | 4,
    /** `width × height × 4` bytes, row-major RGBA, alpha 255 unless the model outputs alpha. */
    readonly data: Uint8Array,
    readonly seed: Seed,
  ) {}

  /**
   * Encode as PNG. Grey models give an 8-bit greyscale PNG and RGB models an RGB PNG (smaller files,
   * same pixels); RGBA models keep alpha.
   */
  toPNG(): Uint8Array {
    const { width, height, channels } = this
    if (channels === 4) return encode({ width, height, data: this.data, channels: 4, depth: 8 })
    const packed = new Uint8Array(width * height * channels)
    for (let p = 0, q = 0; p < width * height; p++) {
      for (let k = 0; k < channels; k++) packed[q++] = this.data[p * 4 + k]!
    }
    return encode({ width, height, data: packed, channels, depth: 8 })
  }
}
