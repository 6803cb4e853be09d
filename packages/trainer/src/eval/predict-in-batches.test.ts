import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { PREDICT_BATCH, predictInBatches } from './predict-in-batches.js'

describe('predictInBatches', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('gathers every output of every batch in row order, and leaves no tensors behind', () => {
    const count = 2 * PREDICT_BATCH + 7
    const input = Float32Array.from({ length: count }, (_, i) => i)
    const tensors = tf.memory().numTensors
    const batches: number[] = []
    const [doubled, pairs] = predictInBatches(count, [1, 2], (start, rows) => {
      batches.push(rows)
      const x = tf.tensor2d(input.subarray(start, start + rows), [rows, 1])
      return [tf.mul(x, 2), tf.concat([x, tf.neg(x)], 1)]
    })
    expect(batches).toEqual([PREDICT_BATCH, PREDICT_BATCH, 7])
    expect(Array.from(doubled!)).toEqual(Array.from(input, (v) => 2 * v))
    expect(Array.from(pairs!)).toEqual(Array.from(input).flatMap((v) => [v, -v]))
    expect(tf.memory().numTensors).toBe(tensors)
  })
})
