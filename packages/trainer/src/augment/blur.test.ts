import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { BLUR_SIGMA, blurSigma, gaussianBlur } from './blur.js'

describe('the discriminator blur', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('starts at σ 1 pixel and fades linearly to none at its last step', () => {
    expect([0, 250, 500, 999, 1000, 5000].map((step) => blurSigma(step, 1000))).toEqual(
      [BLUR_SIGMA, 0.75, 0.5, 0.001, 0, 0].map((s) => expect.closeTo(s, 12)),
    )
    expect(blurSigma(0, 0)).toBe(0)
  })

  it('spreads a point over its neighbours in every channel alone, as a Gaussian of that σ, and keeps a flat image flat', () => {
    const point = tf.buffer([1, 9, 9, 2])
    point.set(1, 0, 4, 4, 1)
    const blurred = gaussianBlur(point.toTensor() as tf.Tensor4D, 1)
    const values = blurred.arraySync()[0]!
    const g = (d: number) => Math.exp(-(d * d) / 2)
    const norm = [-2, -1, 0, 1, 2].reduce((sum, d) => sum + g(d), 0)
    expect(values[4]![4]![1]).toBeCloseTo((g(0) / norm) ** 2, 6)
    expect(values[4]![5]![1]).toBeCloseTo((g(0) * g(1)) / norm ** 2, 6)
    expect(values[2]![3]![1]).toBeCloseTo((g(2) * g(1)) / norm ** 2, 6)
    expect(values[4]![7]![1]).toBe(0)
    // The other channel stays empty; the point's mass is kept.
    expect(values.flat().every((pixel) => pixel[0] === 0)).toBe(true)
    expect(tf.sum(blurred).dataSync()[0]).toBeCloseTo(1, 5)
    // Reflected at the borders: a flat image is unchanged, edges included.
    const flat = tf.fill([2, 6, 6, 4], -0.25) as tf.Tensor4D
    expect(Array.from(gaussianBlur(flat, 0.6).dataSync()).every((v) => Math.abs(v + 0.25) < 1e-6)).toBe(true)
    tf.dispose([blurred, flat])
  })

  it('is the image itself at σ 0, passes gradients through, and refuses a σ above its widest', () => {
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 3) as tf.Tensor4D
    expect(gaussianBlur(x, 0)).toBe(x)
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.square(gaussianBlur(input as tf.Tensor4D, 0.5))))(x)
    expect(grad.shape).toEqual(x.shape)
    expect(Array.from(grad.dataSync()).some((v) => v !== 0)).toBe(true)
    expect(() => gaussianBlur(x, BLUR_SIGMA * 2)).toThrow(/gaussianBlur takes σ up to 1, got 2\./)
    tf.dispose([x, grad])
  })
})
