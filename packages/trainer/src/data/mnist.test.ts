import { describe, expect, it } from 'vitest'
import { loadMnist } from './mnist.js'

describe('loadMnist', () => {
  it('splits the 10,000 shipped digits into disjoint train/test parts with every class', () => {
    const train = loadMnist('train')
    const test = loadMnist('test')
    expect(train.count + test.count).toBe(10_000)
    expect(test.count).toBeGreaterThan(1900)
    for (const ds of [train, test]) {
      expect(ds.pixels.length).toBe(ds.count * 28 * 28)
      expect(new Set(ds.labels).size).toBe(10)
    }
    // Real digits: values in [0, 1], mostly background with some ink.
    let ink = 0
    for (let i = 0; i < 784; i++) ink += train.pixels[i]! > 0.5 ? 1 : 0
    expect(Math.max(...train.pixels.subarray(0, 784))).toBeLessThanOrEqual(1)
    expect(ink).toBeGreaterThan(30)
    expect(ink).toBeLessThan(400)
  })
})
