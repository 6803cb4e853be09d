import * as tf from '@tensorflow/tfjs-core'

/** Adam's state and rate, which TF.js keeps in fields its public API does not restore or set. */
interface AdamInternals {
  learningRate: number
  iterations_: number | undefined
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>
}

/** The fields of `optimizer` that TF.js keeps from its public API. */
export const adamInternals = (optimizer: tf.AdamOptimizer) => optimizer as unknown as AdamInternals

/**
 * An Adam optimizer's state as named tensors, `prefix/…`: the step count, β1ᵗ and β2ᵗ as Adam
 * holds them, and both moments of each variable by its position in `variables`. Adam's own
 * getWeights/setWeights name moments after variables (names differ from one process to the next)
 * and recompute βᵗ with pow(), which is not bit-identical to the running product, so a resumed run
 * would drift from an uninterrupted one.
 */
export function optimizerState(optimizer: tf.AdamOptimizer, prefix: string): tf.NamedTensorMap {
  const adam = adamInternals(optimizer)
  const state: tf.NamedTensorMap = {
    [`${prefix}/iterations`]: tf.scalar(adam.iterations_ ?? 0, 'int32'),
    [`${prefix}/beta1_power`]: adam.accBeta1,
    [`${prefix}/beta2_power`]: adam.accBeta2,
  }
  adam.accumulatedFirstMoment.forEach((m, i) => {
    if (m) state[`${prefix}/m/${i}`] = m.variable
  })
  adam.accumulatedSecondMoment.forEach((v, i) => {
    if (v) state[`${prefix}/v/${i}`] = v.variable
  })
  return state
}

/** Restore what {@link optimizerState} saved into a fresh Adam optimizer over the same `variables`, in the same order. */
export function restoreOptimizerState(
  optimizer: tf.AdamOptimizer,
  prefix: string,
  state: tf.NamedTensorMap,
  variables: readonly tf.Variable[],
): void {
  const adam = adamInternals(optimizer)
  adam.iterations_ = state[`${prefix}/iterations`]!.dataSync()[0]!
  adam.accBeta1.assign(state[`${prefix}/beta1_power`]!)
  adam.accBeta2.assign(state[`${prefix}/beta2_power`]!)
  variables.forEach((variable, i) => {
    const m = state[`${prefix}/m/${i}`]
    const v = state[`${prefix}/v/${i}`]
    if (m) adam.accumulatedFirstMoment[i] = { originalName: `${variable.name}/m`, variable: m.variable(false) }
    if (v) adam.accumulatedSecondMoment[i] = { originalName: `${variable.name}/v`, variable: v.variable(false) }
  })
}
