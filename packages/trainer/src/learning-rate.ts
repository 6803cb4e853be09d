import type * as tf from '@tensorflow/tfjs-core'

/**
 * Both networks' learning rate over a run: `rate`, then over the last `decaySteps` steps falling
 * linearly, to reach 0 one step after the last; annealing often settles a GAN's last improvements.
 */
export interface LearningRateSchedule {
  rate: number
  /** The run's last step. */
  steps: number
  /** Steps at the end of the run with a falling rate; 0 keeps it constant. */
  decaySteps: number
}

/** The rate the update of step `step` (1-based) uses. */
export function learningRateAt(schedule: LearningRateSchedule, step: number): number {
  const { rate, steps, decaySteps } = schedule
  const left = steps - step + 1
  return left > decaySteps ? rate : (rate * Math.max(0, left)) / decaySteps
}

/** Set the rate of an Adam optimizer's next updates: TF.js reads it at every update, from a field its API does not expose. */
export function setLearningRate(optimizer: tf.AdamOptimizer, rate: number): void {
  ;(optimizer as unknown as { learningRate: number }).learningRate = rate
}
