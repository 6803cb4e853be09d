import type { LatentDistribution } from 'gan-sdk/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { blurSigma, gaussianBlur } from './augment/blur.js'
import { diffAugment, type AugmentPolicy, type BatchRows } from './augment/diff-augment.js'
import type { RealBatch } from './data/batches.js'
import { logitMeansRecorder, type LecamAnchors, type LogitMeans } from './lecam.js'
import { learningRatesAt, setLearningRate, type LearningRateSchedule } from './learning-rate.js'
import { stepObjectives, type Judgement, type LossName } from './losses.js'
import { mulberry32 } from './random.js'
import { keepTopFakes, topKQuota, type TopKSchedule } from './top-k.js'

/** The distribution training draws latents from, which gan.json declares and the SDK samples. */
export const LATENT_DISTRIBUTION: LatentDistribution = 'normal'

export interface TrainStepParts {
  generator: tfl.LayersModel
  discriminator: tfl.LayersModel
  generatorOptimizer: tf.AdamOptimizer
  discriminatorOptimizer: tf.AdamOptimizer
  /** Both optimizers' rate at each step, set before the step's updates. */
  learningRate: LearningRateSchedule
  latentSize: number
  batchSize: number
  /** The run's seed: step `n` draws its latents, fake labels and augmentations from seeds derived from it and `n`, so a run repeats exactly. */
  seed: number
  /** @default 'ns' */
  loss?: LossName
  /** DiffAugment policies applied to every image the discriminator sees. @default [] */
  augment?: readonly AugmentPolicy[]
  /** Classes of a conditional pair (models with a label input); 0 for unconditional. @default 0 */
  classes?: number
  /** Weight of the auxiliary classifier's loss ({@link stepObjectives}); needs a discriminator built with one. @default 0 */
  classLoss?: number
  /** Weight of the LeCam penalty in D's loss (lecam.ts); the caller carries the anchors from step to step. @default 0 */
  lecam?: number
  /** Weight of the reconstruction loss in D's loss ({@link stepObjectives}); needs a discriminator built with a decoder. @default 0 */
  reconstruction?: number
  /** Top-k generator updates (top-k.ts): G learns from the fakes D scores highest. @default none: from all */
  topK?: TopKSchedule
  /** Blur every image D sees, before augmenting it, for this many steps, less each step (augment/blur.ts). @default 0: none */
  blurSteps?: number
}

/** The losses of one step, before its update. The caller disposes the tensors. */
export interface StepLosses {
  dLoss: tf.Scalar
  gLoss: tf.Scalar
  /** D's mean logit on the step's real images and on its fakes (before the update), for the LeCam anchors; with `lecam` only. */
  meanLogits?: LogitMeans
}

/** A training step: `anchors` are the LeCam anchors of the steps before it (runs with `lecam`; none on the first step). */
export type TrainStep = (step: number, real: RealBatch, anchors?: LecamAnchors) => StepLosses

/**
 * One training step: a discriminator update on `real` and fresh fakes, then a generator update on
 * other fresh latents, with the chosen loss on logits. A conditional step gives real images their
 * labels and fakes labels drawn uniformly. Every other tensor the step makes is freed, also when it throws.
 */
export function createTrainStep(parts: TrainStepParts): TrainStep {
  const { generator: G, discriminator: D, latentSize, batchSize, seed } = parts
  const lecam = parts.lecam ?? 0
  const objectives = stepObjectives(parts.loss ?? 'ns', parts)
  const classes = parts.classes ?? 0
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable)
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable)
  const judgeOfFakes = fakeJudge(D)
  return (step, real, anchors) => {
    const means = lecam > 0 ? logitMeansRecorder() : undefined
    try {
      const losses = tf.tidy(() => {
        setStepLearningRate(parts, step)
        // Separate streams per step and purpose, so adding a feature never shifts another's draws.
        const stream = (purpose: number) => mulberry32(mixSeed(seed, step, purpose))
        const view = (images: tf.Tensor, purpose: number) => discriminatorView(parts, images, step, stream(purpose))
        const labels = (values: Int32Array) => tf.tensor2d(values, [batchSize, 1], 'int32')
        const fakeLabels = (purpose: number) => {
          const rand = stream(purpose)
          return labels(Int32Array.from({ length: batchSize }, () => Math.floor(rand() * classes)))
        }
        const withLabel = (x: tf.Tensor, y: tf.Tensor | undefined) => (y ? [x, y] : x)

        const zD = tf.randomNormal([batchSize, latentSize], 0, 1, 'float32', latentSeed(seed, step, 0))
        const zG = tf.randomNormal([batchSize, latentSize], 0, 1, 'float32', latentSeed(seed, step, 1))
        const realLabels = classes ? labels(real.labels) : undefined
        const yD = classes ? fakeLabels(0) : undefined
        const yG = classes ? fakeLabels(1) : undefined
        const fake = G.apply(withLabel(zD, yD), { training: true }) as tf.Tensor
        const dLoss = parts.discriminatorOptimizer.minimize(
          () => {
            const judgedReal = judge(D, view(real.images, 2), realLabels)
            const judgedFake = judge(judgeOfFakes, view(fake, 3), yD)
            means?.record(judgedReal.logits, judgedFake.logits)
            return objectives.discriminator(judgedReal, judgedFake, realLabels, anchors)
          },
          true,
          dVars,
        )!
        const gLoss = parts.generatorOptimizer.minimize(
          () => {
            const images = G.apply(withLabel(zG, yG), { training: true }) as tf.Tensor
            const { keep, weight } = topKQuota(parts.topK, step, { offset: 0, count: batchSize })
            return objectives.generator(keepTopFakes(judge(judgeOfFakes, view(images, 4), yG), keep), yG, weight)
          },
          true,
          gVars,
        )!
        return { dLoss, gLoss }
      })
      // Read after both updates: one sync, which a GPU backend would otherwise wait on mid-step.
      return means ? { ...losses, meanLogits: means.read() } : losses
    } finally {
      means?.dispose()
    }
  }
}

/**
 * What D sees of `images` at step `step`: blurred while `parts.blurSteps` lasts (augment/blur.ts),
 * then augmented with `rand`'s draws. With `rows`, `images` are a replica's shard of the batch,
 * augmented as in the whole batch.
 */
export function discriminatorView(parts: TrainStepParts, images: tf.Tensor, step: number, rand: () => number, rows?: BatchRows): tf.Tensor {
  const blurred = gaussianBlur(images as tf.Tensor4D, blurSigma(step, parts.blurSteps ?? 0))
  const augment = parts.augment ?? []
  return augment.length > 0 ? diffAugment(blurred, augment, rand, rows) : blurred
}

/** D's judgement of `images` (with the labels of a conditional pair), in training mode. */
export function judge(D: tfl.LayersModel, images: tf.Tensor, labels: tf.Tensor | undefined): Judgement {
  const output = D.apply(labels ? [images, labels] : images, { training: true }) as tf.Tensor | tf.Tensor[]
  if (!Array.isArray(output)) return { logits: output }
  // After the logit: the class logits (one row per image), the decoded image (NHWC), as the model has them.
  const [logits, ...heads] = output
  const decoded = heads.find((t) => t.rank === 4)
  return {
    logits: logits!,
    classLogits: heads.find((t) => t.rank === 2),
    ...(decoded ? { reconstruction: { decoded, target: images } } : {}),
  }
}

/**
 * D for judging fakes: D without its decoder's output (the same layers and weights), since no loss
 * uses a fake's rebuild, so a step spends the decoder's work on real images only; D itself when it
 * has no decoder.
 */
export function fakeJudge(D: tfl.LayersModel): tfl.LayersModel {
  if (D.outputs.length === 1 || D.outputs.at(-1)!.rank !== 4) return D
  const kept = D.outputs.slice(0, -1)
  return tfl.model({ name: `${D.name}_of_fakes`, inputs: D.inputs, outputs: kept.length === 1 ? kept[0]! : kept })
}

/** Set both optimizers to their rates of step `step` in `parts`' schedule. */
export function setStepLearningRate(parts: TrainStepParts, step: number): void {
  const rates = learningRatesAt(parts.learningRate, step)
  setLearningRate(parts.generatorOptimizer, rates.generator)
  setLearningRate(parts.discriminatorOptimizer, rates.discriminator)
}

/** The seed of step `step`'s latents: 0 for the discriminator's update, 1 for the generator's. */
export function latentSeed(seed: number, step: number, update: 0 | 1): number {
  return seed * 1_000_003 + step * 2 + update
}

/** A 32-bit seed for one purpose of one step of a run. */
export function mixSeed(seed: number, step: number, purpose: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b)
  h = Math.imul(h ^ step ^ (h >>> 13), 0xc2b2ae35)
  h = Math.imul(h ^ purpose ^ (h >>> 16), 0x27d4eb2f)
  return (h ^ (h >>> 15)) >>> 0
}
