import { describe, expect, it } from 'vitest'
import type { ModelContract } from './contract.js'
import { toRgbaInPlace } from './postprocess.js'

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

describe('toRgbaInPlace', () => {
  it('maps the range linearly onto 0–255, rounding half up and clamping; NaN gives 0', () => {
    const grey = toRgbaInPlace(Float32Array.from([-1, 1, 0, 0.5, 2, -2, Number.NaN]), 1, contract({ width: 7 }))
    expect(Array.from({ length: 7 }, (_, p) => grey[p * 4])).toEqual([0, 255, 128, 191, 255, 0, 0])
    // With range [0, 255] the scale is 1, so the .5 ties are exact: half up, not half to even.
    const ties = toRgbaInPlace(Float32Array.from([1.5, 2.5, 254.5, 0.49]), 1, contract({ width: 4, range: [0, 255] }))
    expect(Array.from({ length: 4 }, (_, p) => ties[p * 4])).toEqual([2, 3, 255, 0])
  })

  it('expands grey to opaque RGBA', () => {
    expect(Array.from(toRgbaInPlace(Float32Array.from([0, 1]), 1, contract({ width: 2 })))).toEqual([128, 128, 128, 255, 255, 255, 255, 255])
  })

  it('reads RGB from NHWC and NCHW alike, per image of the batch', () => {
    // Two 2×1 RGB images; pixel values r, g, b chosen so each byte is distinct: byte = 10·k.
    const v = (byte: number) => byte / 127.5 - 1
    const nhwc = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120].map(v)
    const nchw = [10, 40, 20, 50, 30, 60, 70, 100, 80, 110, 90, 120].map(v)
    const expected = [10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255]
    expect(Array.from(toRgbaInPlace(Float32Array.from(nhwc), 2, contract({ width: 2, channels: 3, layout: 'NHWC' })))).toEqual(expected)
    expect(Array.from(toRgbaInPlace(Float32Array.from(nchw), 2, contract({ width: 2, channels: 3, layout: 'NCHW' })))).toEqual(expected)
  })

  it('keeps the alpha channel of RGBA models', () => {
    // NCHW planes R = [1, −1], G = [0, −1], B = [0, 0], A = [0, 1].
    const out = toRgbaInPlace(Float32Array.from([1, -1, 0, -1, 0, 0, 0, 1]), 1, contract({ width: 2, channels: 4, layout: 'NCHW' }))
    expect(Array.from(out)).toEqual([255, 128, 128, 128, 0, 0, 128, 255])
  })

  it('converts only the first `count` images, into the output’s own buffer', () => {
    const output = new Float32Array(3 * 4).fill(1)
    const rgba = toRgbaInPlace(output, 2, contract({ width: 2, height: 2 }))
    expect(rgba.buffer).toBe(output.buffer)
    expect(rgba.length).toBe(2 * 4 * 4)
    expect(output.subarray(8)).toEqual(new Float32Array(4).fill(1))
  })

  it('matches a straightforward out-of-place conversion on a large random NCHW RGBA batch', () => {
    const c = contract({ width: 5, height: 3, channels: 4, layout: 'NCHW' })
    const output = Float32Array.from({ length: 3 * 4 * 15 }, (_, i) => Math.sin(i * 12.9898) * 1.2)
    const byte = (x: number) => Math.min(255, Math.max(0, Math.floor((x + 1) * 127.5 + 0.5)))
    const expected = Array.from({ length: 3 * 15 * 4 }, (_, j) => {
      const [n, p, k] = [Math.floor(j / 60), Math.floor(j / 4) % 15, j % 4]
      return byte(output[n * 60 + k * 15 + p]!)
    })
    expect(Array.from(toRgbaInPlace(output, 3, c))).toEqual(expected)
  })
})
