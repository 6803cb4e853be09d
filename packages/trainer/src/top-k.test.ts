import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { keepTopFakes, topKShare } from './top-k.js'

describe('top-k generator updates', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('shrinks the share 0.99× per epoch from every fake, down to the least', () => {
    const schedule = { least: 0.5, stepsPerEpoch: 10 }
    expect(topKShare(undefined, 5000)).toBe(1)
    expect([1, 10, 11, 20, 21].map((step) => topKShare(schedule, step))).toEqual([1, 1, 0.99, 0.99, 0.99 ** 2])
    // 0.99^68 = 0.505, 0.99^69 = 0.4998: the least from epoch 69 on.
    expect(topKShare(schedule, 68 * 10 + 1)).toBeCloseTo(0.99 ** 68, 12)
    expect(topKShare(schedule, 69 * 10 + 1)).toBe(0.5)
    expect(topKShare(schedule, 1e6)).toBe(0.5)
  })

  it('keeps the logits D scores highest, and the gradient flows through them alone', () => {
    const logits = tf.tensor2d([[0.3], [-2], [1.5], [0.7], [-0.1], [2]])
    const classLogits = tf.zeros([6, 3])
    const kept = keepTopFakes({ logits, classLogits }, 0.5)
    // The top three, 2, 1.5 and 0.7, in row order; the class logits stay whole.
    expect(Array.from(kept.logits.dataSync())).toEqual([1.5, 0.7, 2].map(Math.fround))
    expect(kept.classLogits).toBe(classLogits)
    const grad = tf.grad((x: tf.Tensor) => tf.sum(keepTopFakes({ logits: x }, 0.5).logits))(logits)
    expect(Array.from(grad.dataSync())).toEqual([0, 0, 1, 1, 0, 1])
    // At least one is kept; a share that keeps every row changes nothing.
    expect(keepTopFakes({ logits }, 0.01).logits.shape).toEqual([1, 1])
    const all = { logits }
    expect(keepTopFakes(all, 1)).toBe(all)
    expect(keepTopFakes(all, 0.95)).toBe(all)
    tf.dispose([logits, classLogits, kept.logits, grad])
  })
})
