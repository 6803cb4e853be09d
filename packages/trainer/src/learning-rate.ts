import type * as tf from '@tensorflow/tfjs-core'
import { adamInternals } from './optimizer-state.js'

/**
 * The networks' learning rates over a run: each its full rate, then a line from it at the
 * `decaySteps`-th step from the end down to 0 one step after the last, so the last step runs at
 * `rate / decaySteps` (and 1 changes nothing). Annealing often settles a GAN's last improvements.
 */
export interface LearningRateSchedule {
  /** The generator's full rate. */
  generator: number
  /** The discriminator's full rate: the generator's, or another for a two time-scale update rule (TTUR). */
  discriminator: number
  /** The run's last step. */
  steps: number
  /** Steps at the end of the run with falling rates; 0 keeps them constant. */
  decaySteps: number
}

/** The rates of the updates of step `step` (1-based). */
export function learningRatesAt(schedule: LearningRateSchedule, step: number): { generator: number; discriminator: number } {
  const { steps, decaySteps } = schedule
  const left = steps - step + 1
  const at = (rate: number) => (decaySteps === 0 || left > decaySteps ? rate : (rate * Math.max(0, left)) / decaySteps)
  return { generator: at(schedule.generator), discriminator: at(schedule.discriminator) }
}

/** Set the rate of an Adam optimizer's next updates: TF.js reads it at every update, from a field its API does not expose. */
export function setLearningRate(optimizer: tf.AdamOptimizer, rate: number): void {
  adamInternals(optimizer).learningRate = rate
}
