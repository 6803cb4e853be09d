import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { splitBatch } from './parallel/replica-step.js'
import { keepTopFakes, topKQuota, topKShare } from './top-k.js'

describe('top-k generator updates', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('shrinks the share 0.99× per epoch from every fake, down to the least', () => {
    // 100 images in batches of 12: epoch e starts with the batch that holds image 100e.
    const schedule = { least: 0.5, batchSize: 12, epochImages: 100 }
    expect(topKShare(undefined, 5000)).toBe(1)
    // Steps 1–9 hold images 0–107 (epoch 0 ends inside step 9's batch), step 10 starts at image 108.
    expect([1, 9, 10, 17, 18].map((step) => topKShare(schedule, step))).toEqual([1, 1, 0.99, 0.99, 0.99 ** 2])
    // (125 · 12) / 100 = 15 exactly: step 126's batch starts epoch 15, where a fractional steps-per-epoch rounds it down.
    expect(topKShare(schedule, 126)).toBe(0.99 ** 15)
    expect(topKShare(schedule, 125)).toBe(0.99 ** 14)
    // 0.99^68 = 0.505, 0.99^69 = 0.4998: the least from epoch 69 on.
    const perStep = { least: 0.5, batchSize: 10, epochImages: 10 }
    expect(topKShare(perStep, 69)).toBeCloseTo(0.99 ** 68, 12)
    expect(topKShare(perStep, 70)).toBe(0.5)
    expect(topKShare(perStep, 1e6)).toBe(0.5)
  })

  it("shares the batch's quota out to the shards, so their weighted means add up to the mean over the kept fakes", () => {
    for (const [batch, replicas, share] of [
      [8, 1, 0.5],
      [8, 3, 0.5],
      [64, 2, 0.75],
      [64, 32, 0.75],
      [64, 32, 0.1],
      [7, 2, 0.9],
    ] as const) {
      const total = Math.max(1, Math.round(share * batch))
      // Far into a run the share is the schedule's least.
      const schedule = { least: share, batchSize: batch, epochImages: batch }
      const quotas = splitBatch(batch, replicas).map((shard) => ({ shard, ...topKQuota(schedule, 1e4, shard) }))
      // A shard with no quota keeps one row at weight 0; the quotas add up to the batch's.
      const kept = quotas.map(({ keep, weight }) => (weight === 0 ? 0 : keep))
      expect(kept.reduce((a, b) => a + b)).toBe(total)
      // Shard i's loss is its kept mean · weight · (rows / batch): the sum over shards is Σ kept / total.
      quotas.forEach(({ shard, weight }, i) => expect((weight * shard.count) / batch).toBeCloseTo(kept[i]! / total, 12))
      quotas.forEach(({ shard }, i) => expect(kept[i]).toBeLessThanOrEqual(shard.count))
    }
    // 2-row shards at 0.75 of 64: 48 kept, 16 shards keep both rows and 16 one, not every row.
    const pairs = splitBatch(64, 32).map((shard) => topKQuota({ least: 0.75, batchSize: 64, epochImages: 64 }, 1e4, shard).keep)
    expect(pairs.filter((k) => k === 1)).toHaveLength(16)
    // At share 1 (the first epoch), or without top-k, each shard keeps all its rows at weight 1: the step is as before.
    const first = { least: 0.5, batchSize: 64, epochImages: 640 }
    for (const shard of splitBatch(64, 3)) {
      expect(topKQuota(first, 1, shard)).toEqual({ keep: shard.count, weight: 1 })
      expect(topKQuota(undefined, 1, shard)).toEqual({ keep: shard.count, weight: 1 })
    }
  })

  it('keeps the logits D scores highest, and the gradient flows through them alone', () => {
    const tensors = tf.memory().numTensors
    tf.tidy(() => {
      const logits = tf.tensor2d([[0.3], [-2], [1.5], [0.7], [-0.1], [2]])
      const classLogits = tf.zeros([6, 3])
      const kept = keepTopFakes({ logits, classLogits }, 3)
      // The top three, 2, 1.5 and 0.7, in row order; the class logits stay whole.
      expect(Array.from(kept.logits.dataSync())).toEqual([1.5, 0.7, 2].map(Math.fround))
      expect(kept.classLogits).toBe(classLogits)
      const grad = tf.grad((x: tf.Tensor) => tf.sum(keepTopFakes({ logits: x }, 3).logits))(logits)
      expect(Array.from(grad.dataSync())).toEqual([0, 0, 1, 1, 0, 1])
      // Ties go to the first row.
      expect(Array.from(keepTopFakes({ logits: tf.tensor2d([[1], [1], [0]]) }, 1).logits.dataSync())).toEqual([1])
      const all = { logits }
      expect(keepTopFakes(all, 6)).toBe(all)
    })
    expect(tf.memory().numTensors).toBe(tensors)
  })
})
