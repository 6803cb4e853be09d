import type { LatentDistribution } from 'gan-sdk/core'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'

/** The distribution training draws latents from, which gan.json declares and the SDK samples. */
export const LATENT_DISTRIBUTION: LatentDistribution = 'normal'

export interface TrainStepParts {
  generator: tfl.LayersModel
  discriminator: tfl.LayersModel
  generatorOptimizer: tf.Optimizer
  discriminatorOptimizer: tf.Optimizer
  latentSize: number
  batchSize: number
  /** The run's seed: step `n` draws its latents from seeds derived from it and `n`, so a run repeats exactly. */
  seed: number
}

/** The losses of one step, before its update. The caller disposes them. */
export type StepLosses = { dLoss: tf.Scalar; gLoss: tf.Scalar }

/**
 * One training step: a discriminator update on `real` and fresh fakes, then a generator update on
 * other fresh latents, with the non-saturating GAN loss on logits: D minimises
 * softplus(−D(x)) + softplus(D(G(z))), G minimises softplus(−D(G(z))). Every other tensor the step
 * makes is freed, also when it throws.
 */
export function createTrainStep(parts: TrainStepParts): (step: number, real: tf.Tensor4D) => StepLosses {
  const { generator: G, discriminator: D, latentSize, batchSize, seed } = parts
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable)
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable)
  return (step, real) =>
    tf.tidy(() => {
      const zD = tf.randomNormal([batchSize, latentSize], 0, 1, 'float32', seed * 1_000_003 + step * 2)
      const zG = tf.randomNormal([batchSize, latentSize], 0, 1, 'float32', seed * 1_000_003 + step * 2 + 1)
      const fake = G.apply(zD, { training: true }) as tf.Tensor
      const dLoss = parts.discriminatorOptimizer.minimize(
        () => {
          const realLogits = D.apply(real, { training: true }) as tf.Tensor
          const fakeLogits = D.apply(fake, { training: true }) as tf.Tensor
          return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar
        },
        true,
        dVars,
      )!
      const gLoss = parts.generatorOptimizer.minimize(
        () => {
          const logits = D.apply(G.apply(zG, { training: true }), { training: true }) as tf.Tensor
          return tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar
        },
        true,
        gVars,
      )!
      return { dLoss, gLoss }
    })
}
