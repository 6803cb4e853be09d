import { decode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { GeneratedImage } from './image.js'

// A 2×1 image with distinct channel values, inside a larger shared buffer as generateBatch makes them.
const rgba = new Uint8Array([9, 9, 9, 9, 10, 20, 30, 40, 50, 60, 70, 80]).subarray(4)

describe('GeneratedImage.toPNG', () => {
  it.each([
    [1, [10, 50]],
    [3, [10, 20, 30, 50, 60, 70]],
    [4, [10, 20, 30, 40, 50, 60, 70, 80]],
  ] as const)('encodes a %d-channel model as an 8-bit PNG with that many channels', (channels, pixels) => {
    const png = decode(new GeneratedImage(2, 1, channels, rgba, 7).toPNG())
    expect([png.width, png.height, png.channels, png.depth]).toEqual([2, 1, channels, 8])
    expect(Array.from(png.data)).toEqual(pixels)
  })
})
