import { encode } from 'fast-png'
import type { Seed } from './seed.js'

/** One generated image: RGBA pixels plus the seed that produced them. */
export class GeneratedImage {
  constructor(
    readonly width: number,
    readonly height: number,
    /** Channels of the model's output: 1 grey, 3 RGB, 4 RGBA. `data` is RGBA whatever this is. */
    readonly channels: 1 | 3 | 4,
    /**
     * `width × height × 4` bytes, row-major RGBA, alpha 255 unless the model outputs alpha. Images
     * of one batch are views into one shared buffer: `data.slice()` before transferring `data.buffer`.
     */
    readonly data: Uint8Array,
    readonly seed: Seed,
  ) {}

  /**
   * Encode as an 8-bit PNG with the model's channels: grey models give a greyscale PNG and RGB
   * models an RGB one (same pixels as `data`, smaller files); RGBA models keep their alpha.
   */
  toPNG(): Uint8Array {
    const { width, height, channels, data } = this
    if (channels === 4) return encode({ width, height, data, channels, depth: 8 })
    const packed = new Uint8Array(width * height * channels)
    for (let src = 0, dst = 0; dst < packed.length; src += 4) {
      for (let k = 0; k < channels; k++) packed[dst++] = data[src + k]!
    }
    return encode({ width, height, data: packed, channels, depth: 8 })
  }
}
