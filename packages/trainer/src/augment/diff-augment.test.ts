import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { mulberry32 } from '../random.js'
import { diffAugment, shiftImages } from './diff-augment.js'

const ramp = (channels: number) =>
  tf.tensor4d(
    Float32Array.from({ length: 2 * 8 * 8 * channels }, (_, i) => (i % 17) / 17),
    [2, 8, 8, channels],
  )

describe('diffAugment', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('is repeatable from the same draws, and the draws change it', () => {
    const x = ramp(3)
    const run = (seed: number) => Array.from(diffAugment(x, ['color', 'translation', 'cutout'], mulberry32(seed)).dataSync())
    expect(run(1)).toEqual(run(1))
    expect(run(1)).not.toEqual(run(2))
    x.dispose()
  })

  it('augments a shard of a batch (rows) exactly as those images are augmented in the whole batch', () => {
    const x = tf.tensor4d(
      Float32Array.from({ length: 5 * 8 * 8 * 4 }, (_, i) => (i % 23) / 23),
      [5, 8, 8, 4],
    )
    const all = ['color', 'translation', 'cutout'] as const
    const whole = diffAugment(x, all, mulberry32(9))
    const shard = tf.slice(x, 2, 2)
    const part = diffAugment(shard, all, mulberry32(9), { batch: 5, offset: 2 })
    expect(Array.from(part.dataSync())).toEqual(Array.from(tf.slice(whole, 2, 2).dataSync()))
    tf.dispose([x, whole, shard, part])
  })

  it('cutout zeroes one half-size square per image; translation keeps the values, shifted, zero-filled', () => {
    const x = tf.ones([3, 8, 8, 1])
    const cut = diffAugment(x as tf.Tensor4D, ['cutout'], mulberry32(3)).arraySync() as number[][][][]
    for (const image of cut) {
      const zeros = image.flat(2).filter((v) => v === 0).length
      expect(zeros).toBeGreaterThan(0)
      expect(zeros).toBeLessThanOrEqual(16)
    }
    const shifted = diffAugment(x as tf.Tensor4D, ['translation'], mulberry32(4)).arraySync() as number[][][][]
    for (const image of shifted) {
      const ones = image.flat(2).filter((v) => v === 1).length
      expect(ones).toBeGreaterThanOrEqual(6 * 6) // shifted by at most 1 pixel each way at 8×8
      expect(image.flat(2).every((v) => v === 0 || v === 1)).toBe(true)
    }
    x.dispose()
  })

  it('translation moves each image by its shift, zero-filled, and its gradient moves the gradient back', () => {
    const [b, h, w, c] = [2, 5, 4, 3]
    const x = tf.tensor4d(
      Float32Array.from({ length: b * h * w * c }, (_, i) => i + 1),
      [b, h, w, c],
    )
    const shifts: Array<[number, number]> = [
      [1, -2],
      [-3, 0],
    ]
    // out[n, y, x] = input[n, y − dy, x − dx], 0 outside.
    const moved = (values: Float32Array, sign: 1 | -1) =>
      Array.from({ length: values.length }, (_, i) => {
        const [n, y, xx, k] = [Math.floor(i / (h * w * c)), Math.floor(i / (w * c)) % h, Math.floor(i / c) % w, i % c]
        const [iy, ix] = [y - sign * shifts[n]![0], xx - sign * shifts[n]![1]]
        return iy >= 0 && iy < h && ix >= 0 && ix < w ? values[((n * h + iy) * w + ix) * c + k]! : 0
      })
    expect(Array.from(shiftImages(x, shifts).dataSync())).toEqual(moved(x.dataSync() as Float32Array, 1))
    const weights = tf.tensor4d(
      Float32Array.from({ length: b * h * w * c }, (_, i) => (i % 7) - 3),
      x.shape,
    )
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(shiftImages(v as tf.Tensor4D, shifts), weights)))(x)
    expect(Array.from(grad.dataSync())).toEqual(moved(weights.dataSync() as Float32Array, -1))
    tf.dispose([x, weights, grad])
  })

  it('color is its three parts, drawn alike; each part alone changes only what it names', () => {
    const x = ramp(4)
    const values = (t: tf.Tensor) => Array.from(t.dataSync())
    expect(values(diffAugment(x, ['color'], mulberry32(3)))).toEqual(
      values(diffAugment(x, ['brightness', 'saturation', 'contrast'], mulberry32(3))),
    )
    const rgb = (t: tf.Tensor) => tf.slice(t, [0, 0, 0, 0], [-1, -1, -1, 3])
    const close = (a: tf.Tensor, b: tf.Tensor) => expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5)
    // brightness: one shift per image, the same for every pixel and channel
    const shift = tf.sub(rgb(diffAugment(x, ['brightness'], mulberry32(4))), rgb(x))
    close(shift, tf.mean(shift, [1, 2, 3], true))
    expect(tf.max(tf.abs(shift)).dataSync()[0]).toBeGreaterThan(0)
    // saturation: each pixel's channel mean kept, the spread around it scaled
    const saturated = rgb(diffAugment(x, ['saturation'], mulberry32(4)))
    close(tf.mean(saturated, 3), tf.mean(rgb(x), 3))
    expect(values(saturated)).not.toEqual(values(rgb(x)))
    // contrast: each image's mean kept
    const contrasted = rgb(diffAugment(x, ['contrast'], mulberry32(4)))
    close(tf.mean(contrasted, [1, 2, 3]), tf.mean(rgb(x), [1, 2, 3]))
    expect(values(contrasted)).not.toEqual(values(rgb(x)))
    tf.dispose([x, shift, saturated, contrasted])
  })

  it('colour leaves alpha alone, and gradients flow to the input on wasm', () => {
    const x = ramp(4)
    const y = diffAugment(x, ['color'], mulberry32(5))
    const alpha = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 0, 0, 3], [-1, -1, -1, 1]).dataSync())
    expect(alpha(y)).toEqual(alpha(x))
    const grad = tf.grad((input: tf.Tensor) =>
      tf.sum(diffAugment(input as tf.Tensor4D, ['color', 'translation', 'cutout'], mulberry32(6))),
    )(x)
    expect(grad.shape).toEqual(x.shape)
    expect(tf.sum(tf.abs(grad)).dataSync()[0]).toBeGreaterThan(0)
    tf.dispose([x, y, grad])
  })
})
