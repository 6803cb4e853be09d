import type * as tf from '@tensorflow/tfjs-core'
import { adamInternals } from './optimizer-state.js'

/**
 * Both networks' learning rate over a run: `rate`, then a line from `rate` at the `decaySteps`-th
 * step from the end down to 0 one step after the last, so the last step runs at `rate / decaySteps`
 * (and 1 changes nothing). Annealing often settles a GAN's last improvements.
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
  return decaySteps === 0 || left > decaySteps ? rate : (rate * Math.max(0, left)) / decaySteps
}

/** Set the rate of an Adam optimizer's next updates: TF.js reads it at every update, from a field its API does not expose. */
export function setLearningRate(optimizer: tf.AdamOptimizer, rate: number): void {
  adamInternals(optimizer).learningRate = rate
}
