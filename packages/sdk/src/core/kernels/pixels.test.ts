import { describe, expect, it } from 'vitest'
import type { ModelContract } from '../model-contract.js'
import { PixelConverter } from './pixels.js'

const contract = (c: Partial<ModelContract>): ModelContract => ({
  latentSize: 1,
  latentDistribution: 'normal',
  inputName: 'latent',
  outputName: 'image',
  layout: 'NHWC',
  range: [-1, 1],
  width: 1,
  height: 1,
  channels: 1,
  labels: [],
  license: 'unknown',
  name: 't',
  description: '',
  ...c,
})

const pixels = PixelConverter.create()
const convert = (values: number[] | Float32Array, count: number, c: Partial<ModelContract>) =>
  Array.from(pixels.toRgbaInPlace(Float32Array.from(values), count, contract(c)))

/** The conversion written plainly, out of place, one byte at a time: what the kernels must equal. */
function reference(output: Float32Array, count: number, c: ModelContract): Uint8Array {
  const { width, height, channels, layout, range } = c
  const scale = 255 / (range[1] - range[0])
  const byte = (x: number) => {
    const v = x * scale + (0.5 - range[0] * scale)
    return v <= 0 || Number.isNaN(v) ? 0 : v >= 255 ? 255 : Math.floor(v)
  }
  const px = width * height
  const out = new Uint8Array(count * px * 4)
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < px; p++) {
      const at = (k: number) => n * px * channels + (layout === 'NHWC' ? p * channels + k : k * px + p)
      const [r, g, b] = channels === 1 ? [at(0), at(0), at(0)] : [at(0), at(1), at(2)]
      out.set([byte(output[r]!), byte(output[g]!), byte(output[b]!), channels === 4 ? byte(output[at(3)]!) : 255], (n * px + p) * 4)
    }
  }
  return out
}

/** Where two byte arrays first differ, or -1: a readable failure for arrays too long to diff. */
const firstDifference = (a: Uint8Array, b: Uint8Array) =>
  a.length !== b.length ? Math.min(a.length, b.length) : a.findIndex((x, i) => x !== b[i])

describe('PixelConverter.toRgbaInPlace', () => {
  it('maps the range linearly onto 0–255, rounding half up and clamping; NaN gives 0', () => {
    const grey = convert([-1, 1, 0, 0.5, 2, -2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e38], 1, { width: 10 })
    expect(Array.from({ length: 10 }, (_, p) => grey[p * 4])).toEqual([0, 255, 128, 191, 255, 0, 0, 255, 0, 255])
    // With range [0, 255] the scale is 1, so the .5 ties are exact: half up, not half to even.
    const ties = convert([1.5, 2.5, 254.5, 0.49, -0.5, -0.51], 1, { width: 6, range: [0, 255] })
    expect(Array.from({ length: 6 }, (_, p) => ties[p * 4])).toEqual([2, 3, 255, 0, 0, 0])
  })

  it('expands grey to opaque RGBA', () => {
    expect(convert([0, 1], 1, { width: 2 })).toEqual([128, 128, 128, 255, 255, 255, 255, 255])
  })

  it('reads RGB from NHWC and NCHW alike, per image of the batch', () => {
    // Two 2×1 RGB images; pixel values r, g, b chosen so each byte is distinct: byte = 10·k.
    const v = (byte: number) => byte / 127.5 - 1
    const nhwc = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120].map(v)
    const nchw = [10, 40, 20, 50, 30, 60, 70, 100, 80, 110, 90, 120].map(v)
    const expected = [10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255]
    expect(convert(nhwc, 2, { width: 2, channels: 3, layout: 'NHWC' })).toEqual(expected)
    expect(convert(nchw, 2, { width: 2, channels: 3, layout: 'NCHW' })).toEqual(expected)
  })

  it('keeps the alpha channel of RGBA models', () => {
    // NCHW planes R = [1, −1], G = [0, −1], B = [0, 0], A = [0, 1].
    expect(convert([1, -1, 0, -1, 0, 0, 0, 1], 1, { width: 2, channels: 4, layout: 'NCHW' })).toEqual([255, 128, 128, 128, 0, 0, 128, 255])
    expect(convert([1, 0, 0, 0, -1, -1, 0, 1], 1, { width: 2, channels: 4, layout: 'NHWC' })).toEqual([255, 128, 128, 128, 0, 0, 128, 255])
  })

  it('converts only the first `count` images, into the output’s own buffer', () => {
    const output = new Float32Array(3 * 4).fill(1)
    const rgba = pixels.toRgbaInPlace(output, 2, contract({ width: 2, height: 2 }))
    expect(rgba.buffer).toBe(output.buffer)
    expect(rgba.length).toBe(2 * 4 * 4)
    expect(output.subarray(8)).toEqual(new Float32Array(4).fill(1))
    expect(pixels.toRgbaInPlace(new Float32Array(4), 0, contract({ width: 2, height: 2 }))).toHaveLength(0)
  })

  // Sizes off the kernels' block sizes (4 values, 16 pixels), batches, both layouts, every channel
  // count, values far outside the range, NaN and ±∞: the kernels must equal the plain loop exactly.
  it.each([
    [1, 'NHWC', 7, 5, 3],
    [1, 'NHWC', 28, 28, 64],
    [3, 'NHWC', 5, 3, 3],
    [3, 'NCHW', 5, 3, 3],
    [3, 'NCHW', 16, 16, 2],
    [4, 'NHWC', 9, 1, 4],
    [4, 'NCHW', 9, 1, 4],
    [3, 'NHWC', 64, 64, 2],
  ] as const)('equals a plain per-pixel loop: %i channels %s, %i×%i, %i images', (channels, layout, width, height, count) => {
    const c = contract({ width, height, channels, layout, range: [-1, 1] })
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -1, 1, 1 / 255 - 1]
    const output = Float32Array.from({ length: (count + 1) * width * height * channels }, (_, i) =>
      i % 37 === 0 ? specials[(i / 37) % specials.length]! : Math.sin(i * 12.9898) * 1.3,
    )
    const expected = reference(output, count, c)
    expect(firstDifference(pixels.toRgbaInPlace(output, count, c), expected)).toBe(-1)
  })

  it('converts batches larger than one chunk (2^20 floats), and then smaller ones again', () => {
    const c = contract({ width: 600, height: 600, range: [0, 1] })
    const output = Float32Array.from({ length: 3 * 600 * 600 }, (_, i) => ((i * 2654435761) % 1000) / 999)
    const expected = reference(output, 3, c)
    expect(firstDifference(pixels.toRgbaInPlace(output, 3, c), expected)).toBe(-1)
    expect(convert([0, 1], 1, { width: 2, range: [0, 1] })).toEqual([0, 0, 0, 255, 255, 255, 255, 255])
  })
})
