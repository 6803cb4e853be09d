import * as tf from '@tensorflow/tfjs-core'
import type { Judgement } from './losses.js'

/**
 * Top-k generator updates (Sinha et al. 2020, "Top-k Training of GANs: Improving GAN Performance by
 * Throwing Away Bad Samples"): the generator learns only from the fakes the discriminator scores
 * highest, a share that starts at all of them and shrinks by {@link TOP_K_DECAY} each epoch down to
 * `least`. The paper finds that the gradients of the fakes D scores worst can push them further
 * from their nearest mode; leaving those out lets the rest refine.
 */
export interface TopKSchedule {
  /** The least share of each batch's fakes G learns from, in (0, 1). */
  least: number
  batchSize: number
  /** Images per pass over the training set (with `mirror`, both copies), as createRealBatches counts them. */
  epochImages: number
}

/** The paper's shrink per epoch. */
export const TOP_K_DECAY = 0.99

/** The share of fakes G learns from at `step` (1 for the run's first), under `schedule`; 1 without one. */
export function topKShare(schedule: TopKSchedule | undefined, step: number): number {
  if (schedule === undefined) return 1
  const epoch = Math.floor(((step - 1) * schedule.batchSize) / schedule.epochImages)
  return Math.max(schedule.least, TOP_K_DECAY ** epoch)
}

/**
 * How many of one shard's fakes G learns from at `step`, and the weight of their mean loss: the
 * batch keeps K = round(share · batch) at {@link topKShare}'s share, at least one, shared out to the
 * shards in proportion to their rows (by cumulative rounding, so the quotas add up to K), and each
 * shard's mean, weighted so, adds up over the shards to the mean over all K, as a one-thread step
 * takes it. The weight is relative to the shard's share of the batch, by which the step scales its
 * loss. A shard with no quota keeps one row at weight 0; without a schedule a shard keeps all its
 * rows at weight 1.
 */
export function topKQuota(
  schedule: TopKSchedule | undefined,
  step: number,
  shard: { offset: number; count: number },
): { keep: number; weight: number } {
  if (schedule === undefined) return { keep: shard.count, weight: 1 }
  const { batchSize } = schedule
  const total = Math.max(1, Math.round(topKShare(schedule, step) * batchSize))
  const upTo = (rows: number) => Math.round((total * rows) / batchSize)
  const quota = upTo(shard.offset + shard.count) - upTo(shard.offset)
  return { keep: Math.max(1, quota), weight: (quota / total) * (batchSize / shard.count) }
}

/**
 * D's judgement of fakes with its logits cut to the `keep` it scores highest (ties to the first
 * row), in row order, for G's adversarial loss; class logits stay whole. The choice is made on the
 * logits' values, a constant to the gradient, which flows through the kept logits alone.
 */
export function keepTopFakes(judged: Judgement, keep: number): Judgement {
  const rows = judged.logits.shape[0]!
  if (keep >= rows) return judged
  const values = judged.logits.dataSync()
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b)
  const kept = tf.tensor1d(Int32Array.from(order.slice(0, keep)).sort(), 'int32')
  return { ...judged, logits: tf.gather(judged.logits, kept) }
}
