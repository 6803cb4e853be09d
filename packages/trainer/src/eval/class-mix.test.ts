import { describe, expect, it } from 'vitest'
import { classesInRealMix } from './class-mix.js'

describe('classesInRealMix', () => {
  it("gives each model class its share of the real images, matched by name, in the model's order", () => {
    // Real: 6 × "b", 3 × "a", 1 × "c", unsorted; the model orders its labels c, a, b.
    const real = { labels: [1, 0, 1, 1, 2, 1, 0, 1, 0, 1], classNames: ['a', 'b', 'c'] }
    const mix = classesInRealMix(real, ['c', 'a', 'b', 'd'], 1000)
    const counts = (part: Int32Array) => [0, 1, 2, 3].map((k) => part.filter((c) => c === k).length)
    counts(mix).forEach((n, k) => expect(Math.abs(n - [100, 300, 600, 0][k]!)).toBeLessThanOrEqual(1))
    // Every prefix has about the same mix: the first 100 samples too, and the first 20.
    counts(mix.subarray(0, 100)).forEach((n, k) => expect(Math.abs(n - [10, 30, 60, 0][k]!)).toBeLessThanOrEqual(2))
    counts(mix.subarray(0, 20)).forEach((n, k) => expect(Math.abs(n - [2, 6, 12, 0][k]!)).toBeLessThanOrEqual(1))
    expect(classesInRealMix(real, ['c', 'a', 'b'], 7)).toHaveLength(7)
  })

  it('refuses a real class the model does not have, naming it and the way out', () => {
    expect(() => classesInRealMix({ labels: [0, 1], classNames: ['cat', 'dog'] }, ['cat'], 4)).toThrow(
      /the real images' class "dog" is not one of the model's labels \(cat\).*class mix 'seed'/,
    )
  })
})
