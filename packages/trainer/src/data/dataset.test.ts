import { describe, expect, it } from 'vitest'
import { checkDataset, subset, type ImageDataset } from './dataset.js'

const dots: ImageDataset = {
  name: 'dots',
  width: 2,
  height: 1,
  channels: 1,
  pixels: Float32Array.from([0, 0.1, 1, 0.9, 0.5, 0.5]),
  labels: Uint8Array.from([0, 1, 2]),
  classNames: ['a', 'b', 'c'],
  count: 3,
  license: 'CC0-1.0',
}

describe('subset', () => {
  it('copies the listed images and their labels, in the order listed', () => {
    const s = subset(dots, [2, 0])
    expect(s).toMatchObject({ name: 'dots', count: 2, width: 2 })
    expect(Array.from(s.pixels)).toEqual(Array.from(Float32Array.from([0.5, 0.5, 0, 0.1])))
    expect(Array.from(s.labels)).toEqual([2, 0])
  })
})

describe('checkDataset', () => {
  it('accepts a consistent dataset', () => {
    expect(() => checkDataset(dots)).not.toThrow()
  })

  it.each([
    [{ name: '' }, 'dataset "": name must be a non-empty string'],
    [{ license: undefined }, 'dataset "dots": license is undefined; give the SPDX licence of the images'],
    [{ count: 0 }, 'dataset "dots": count is 0; it must be a positive integer.'],
    [{ width: 2.5 }, 'dataset "dots": width is 2.5; it must be a positive integer.'],
    [{ channels: 2 }, 'dataset "dots": channels is 2; it must be 1, 3 or 4.'],
    [{ pixels: [0, 0, 0, 0, 0, 0] }, 'dataset "dots": pixels is [0, 0, 0, 0, 0, 0], but count × height × width × channels = 6'],
  ])('rejects %j as ERR_DATASET, saying which field is wrong', (bad, message) => {
    const run = () => checkDataset({ ...dots, ...bad } as unknown as ImageDataset)
    expect(run).toThrow(`[gan-train] ${message}`)
    expect(run).toThrow(expect.objectContaining({ code: 'ERR_DATASET' }))
  })
})
