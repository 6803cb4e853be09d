import * as tf from '@tensorflow/tfjs-core'
import type { Judgement } from './losses.js'

/**
 * Top-k generator updates (Sinha et al. 2020, "Top-k Training of GANs: Improving GAN Performance by
 * Throwing Away Bad Samples"): the generator learns only from the fakes the discriminator scores
 * highest, a share that starts at all of them and shrinks by {@link TOP_K_DECAY} each epoch down to
 * `least`. The fakes D already finds worst push G toward the average; dropping them late in
 * training lets the rest refine.
 */
export interface TopKSchedule {
  /** The least share of each batch's fakes G learns from, in (0, 1). */
  least: number
  /** Steps per pass over the training images (with `mirror`, over both copies). */
  stepsPerEpoch: number
}

/** The paper's shrink per epoch. */
export const TOP_K_DECAY = 0.99

/** The share of fakes G learns from at `step` (1 for the run's first), under `schedule`; 1 without one. */
export function topKShare(schedule: TopKSchedule | undefined, step: number): number {
  if (schedule === undefined) return 1
  const epoch = Math.floor((step - 1) / schedule.stepsPerEpoch)
  return Math.max(schedule.least, TOP_K_DECAY ** epoch)
}

/**
 * D's judgement of `rows` fakes with its logits cut to the `share` (at least one) it scores highest,
 * for G's adversarial loss; class logits stay whole. The choice is made on the logits' values, a
 * constant to the gradient, which flows through the kept logits alone.
 */
export function keepTopFakes(judged: Judgement, share: number): Judgement {
  const rows = judged.logits.shape[0]!
  const keep = Math.max(1, Math.round(share * rows))
  if (keep >= rows) return judged
  const values = judged.logits.dataSync()
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b)
  const kept = tf.tensor1d(Int32Array.from(order.slice(0, keep)).sort(), 'int32')
  return { ...judged, logits: tf.gather(judged.logits, kept) }
}
