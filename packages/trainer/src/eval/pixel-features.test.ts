import { describe, expect, it } from 'vitest'
import { colourfulness, pixelFeatures, pixelPairContrast, strongEdgeShare } from './pixel-features.js'

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

describe('strongEdgeShare', () => {
  // 8×8 grey images: a vertical step from black to white, hard or spread over 4 pixels.
  const step = (ramp: number) => Float32Array.from({ length: 64 }, (_, i) => Math.min(1, Math.max(0, ((i % 8) - 3.5 + ramp / 2) / ramp)))
  const shape = { width: 8, height: 8, channels: 1 }

  it('counts pixels where the colour jumps within one pixel, not where it ramps', () => {
    // The hard step: one edge column of the 7 that have a right neighbour, on 7 of 7 rows.
    expect(strongEdgeShare(step(0.001), 1, shape)).toBeCloseTo(1 / 7, 6)
    // Spread over 5 pixels, each difference is 0.2: under the threshold.
    expect(strongEdgeShare(step(5), 1, shape)).toBe(0)
    // Flat, and faint noise.
    expect(strongEdgeShare(new Float32Array(64).fill(0.5), 1, shape)).toBe(0)
    expect(
      strongEdgeShare(
        Float32Array.from({ length: 64 }, (_, i) => 0.5 + 0.05 * Math.sin(i * 12.9898)),
        1,
        shape,
      ),
    ).toBe(0)
    // The mean over images.
    const two = new Float32Array(128)
    two.set(step(0.001))
    expect(strongEdgeShare(two, 2, shape)).toBeCloseTo(1 / 14, 6)
  })

  it('sees colour edges of equal brightness, and composites transparency onto white', () => {
    // 2×2 RGBA: red | green on both rows; then opaque black | transparent (white behind it).
    const colour = Float32Array.from([1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1])
    expect(strongEdgeShare(colour, 1, { width: 2, height: 2, channels: 4 })).toBe(1)
    const alpha = Float32Array.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    expect(strongEdgeShare(alpha, 1, { width: 2, height: 2, channels: 4 })).toBe(1)
    const clear = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1])
    expect(strongEdgeShare(clear, 1, { width: 2, height: 2, channels: 4 })).toBe(0)
  })
})

describe('colourfulness', () => {
  const shape = { width: 4, height: 4, channels: 4 }
  /** A 4×4 RGBA image: the left half `rgb` at `alpha`, the right half transparent (white behind). */
  const halfColour = (rgb: number[], alpha = 1) =>
    Float32Array.from({ length: 4 * 4 * 4 }, (_, i) => (Math.floor(i / 4) % 4 < 2 ? (i % 4 === 3 ? alpha : rgb[i % 4]!) : 0))

  it("is Hasler and Süsstrunk's measure on 0–255 channels over white", () => {
    // Red beside white: rg is 255 or 0 and yb 127.5 or 0, so both means are half and both deviations half of those.
    const rg = 127.5
    const yb = 63.75
    expect(colourfulness(halfColour([1, 0, 0]), 1, shape)).toBeCloseTo(1.3 * Math.hypot(rg, yb), 3)
    // Blue beside white: rg is 0, yb −255 or 0.
    expect(colourfulness(halfColour([0, 0, 1]), 1, shape)).toBeCloseTo(1.3 * 127.5, 3)
    // The mean over images.
    expect(colourfulness(Float32Array.of(...halfColour([1, 0, 0]), ...halfColour([0, 0, 1])), 2, shape)).toBeCloseTo(
      (1.3 * Math.hypot(rg, yb) + 1.3 * 127.5) / 2,
      3,
    )
  })

  it('is 0 for grey and for transparent images, and lower for washed-out colour', () => {
    expect(colourfulness(halfColour([0.3, 0.3, 0.3]), 1, shape)).toBeCloseTo(0, 6)
    expect(colourfulness(halfColour([1, 0, 0], 0), 1, shape)).toBeCloseTo(0, 6)
    expect(
      colourfulness(
        Float32Array.from({ length: 16 }, (_, i) => i / 16),
        1,
        { width: 4, height: 4, channels: 1 },
      ),
    ).toBeCloseTo(0, 6)
    // Half-transparent red is pink over white: half the colourfulness.
    expect(colourfulness(halfColour([1, 0, 0], 0.5), 1, shape)).toBeCloseTo(colourfulness(halfColour([1, 0, 0]), 1, shape) / 2, 3)
    expect(colourfulness(new Float32Array(0), 0, shape)).toBe(0)
  })
})

describe('pixelPairContrast', () => {
  // A seeded grey 16×16 image of independent pixels, and the same upscaled ×2 by copying pixels.
  const noise = Float32Array.from({ length: 16 * 16 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1).map(Math.abs)
  const copied = Float32Array.from({ length: 32 * 32 }, (_, i) => noise[Math.floor(i / 32 / 2) * 16 + Math.floor((i % 32) / 2)]!)

  it('is 1 for an image upscaled by copying pixels, near 0 for independent pixels', () => {
    expect(pixelPairContrast(copied, 1, { width: 32, height: 32, channels: 1 })).toBe(1)
    expect(pixelPairContrast(noise, 1, { width: 16, height: 16, channels: 1 })).toBeLessThan(0.1)
  })

  it('weighs the two phases: 1/3 when changes within pairs are twice those across them', () => {
    // A 6×1 grey row, 0 | 0.2 ‖ 0.3 | 0.5 ‖ 0.6 | 0.8: within pairs 0.2, across 0.1.
    const row = Float32Array.of(0, 0.2, 0.3, 0.5, 0.6, 0.8)
    expect(pixelPairContrast(row, 1, { width: 6, height: 1, channels: 1 })).toBeCloseTo(1 / 3, 6)
  })

  it('sums over images, so edges at both phases across a set cancel', () => {
    // One hard step per 9×9 image (as many neighbours within pairs as across): between columns 3
    // and 4 (across pairs), then 4 and 5 (within).
    const step = (at: number) => Float32Array.from({ length: 81 }, (_, i) => (i % 9 > at ? 1 : 0))
    const shape = { width: 9, height: 9, channels: 1 }
    expect(pixelPairContrast(step(3), 1, shape)).toBe(1)
    expect(pixelPairContrast(Float32Array.of(...step(3), ...step(4)), 2, shape)).toBe(0)
  })

  it('composites transparency onto white, and is 0 for flat or too small images', () => {
    // 4×1 RGBA: opaque black, transparent black twice, opaque black: white behind the transparent
    // pair, so the colour changes only within pairs (uncomposited, the row would be flat: 0).
    const alpha = Float32Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
    expect(pixelPairContrast(alpha, 1, { width: 4, height: 1, channels: 4 })).toBe(1)
    expect(pixelPairContrast(new Float32Array(64).fill(0.5), 1, { width: 8, height: 8, channels: 1 })).toBe(0)
    expect(pixelPairContrast(Float32Array.of(0, 1, 1, 0), 1, { width: 2, height: 2, channels: 1 })).toBe(0)
    expect(pixelPairContrast(new Float32Array(0), 0, { width: 8, height: 8, channels: 1 })).toBe(0)
  })
})
