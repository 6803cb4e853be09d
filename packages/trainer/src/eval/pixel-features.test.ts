import { describe, expect, it } from 'vitest'
import { pixelFeatures } from './pixel-features.js'

describe('pixelFeatures', () => {
  it('averages blocks into an 8×8 RGB thumbnail, grey replicated, alpha composited onto white', () => {
    // One 16×16 RGBA image: left half opaque red, right half fully transparent.
    const pixels = new Float32Array(16 * 16 * 4)
    for (let y = 0; y < 16; y++) for (let x = 0; x < 8; x++) pixels.set([1, 0, 0, 1], (y * 16 + x) * 4)
    const f = pixelFeatures(pixels, 1, { width: 16, height: 16, channels: 4 })
    expect(f).toHaveLength(192)
    expect(Array.from(f.subarray(0, 3))).toEqual([1, 0, 0]) // block (0, 0): red
    expect(Array.from(f.subarray(7 * 3, 8 * 3))).toEqual([1, 1, 1]) // block (7, 0): white behind transparency
    const grey = pixelFeatures(
      Float32Array.from({ length: 8 * 8 }, () => 0.25),
      1,
      { width: 8, height: 8, channels: 1 },
    )
    expect(Array.from(grey.subarray(0, 3))).toEqual([0.25, 0.25, 0.25])
  })
})
