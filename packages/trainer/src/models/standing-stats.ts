import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { describeValue } from 'gan-sdk/core'
import { TrainError } from '../errors.js'
import { mulberry32 } from '../random.js'

export interface StandingStatsOptions {
  /** Batches of generated images the statistics are averaged over. */
  batches: number
  /** Images per batch; the trainer passes its training batch size. */
  batchSize: number
  /** Seed of the latents and labels, so the same weights always get the same statistics. */
  seed: number
}

/**
 * Re-estimate the BatchNorm statistics of `generator` on its own activations ("standing
 * statistics", as BigGAN does for its sampling generator). During training a BatchNorm layer keeps a
 * moving average of the batch statistics of the generator being trained, and the weight average
 * (EMA) copies them; but the average's weights make other activations, so at inference its layers
 * normalise with statistics that are not their own. Layer by layer, in order, each layer's input is
 * computed in inference mode (the layers before it already re-estimated) for `batches` batches of
 * N(0, 1) latents, and its moving mean and variance are set to the mean and variance over all of
 * them. Only those statistics change; trainable weights are untouched. The latent size and, for a
 * conditional generator (a DCGAN of this trainer, inputs `[latent, label]`), the number of classes
 * are read from the model; labels are drawn uniformly.
 */
export function setStandingStats(generator: tfl.LayersModel, options: StandingStatsOptions): void {
  const { batches, batchSize, seed } = options
  for (const [name, value] of Object.entries({ batches, batchSize })) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new TrainError('ERR_INVALID_OPTION', `setStandingStats: ${name} must be an integer ≥ 1, got ${describeValue(value)}.`)
  }
  const { latentSize, classes } = generatorInputs(generator)
  const norms = generator.layers.filter((layer) => layer.getClassName() === 'BatchNormalization')
  for (const norm of norms) {
    // Shares the generator's layers and weights: not disposed.
    const probe = tfl.model({ inputs: generator.inputs, outputs: norm.input as tfl.SymbolicTensor })
    const rand = mulberry32(seed)
    // Per batch, mean and variance (two-pass, as tf.moments computes them); across batches of equal
    // size, in float64: variance = mean of the batch variances + variance of the batch means.
    let sumOfMeans: Float64Array | undefined
    let sumOfVariances: Float64Array | undefined
    let sumOfSquaredMeans: Float64Array | undefined
    for (let b = 0; b < batches; b++) {
      const [batchMean, batchVariance] = tf.tidy(() => {
        const z = tf.randomNormal([batchSize, latentSize], 0, 1, 'float32', Math.floor(rand() * 2 ** 31))
        const labels = Int32Array.from({ length: batchSize }, () => Math.floor(rand() * classes))
        const inputs = classes > 0 ? [z, tf.tensor2d(labels, [batchSize, 1], 'int32')] : z
        const x = probe.apply(inputs, { training: false }) as tf.Tensor
        const { mean, variance } = tf.moments(
          x,
          x.shape.slice(0, -1).map((_, i) => i),
        )
        return [mean.dataSync(), variance.dataSync()]
      })
      sumOfMeans = add(sumOfMeans, batchMean!)
      sumOfVariances = add(sumOfVariances, batchVariance!)
      sumOfSquaredMeans = add(
        sumOfSquaredMeans,
        Array.from(batchMean!, (m) => m * m),
      )
    }
    const mean = sumOfMeans!.map((s) => s / batches)
    const variance = sumOfVariances!.map((s, c) => Math.max(0, s / batches + sumOfSquaredMeans![c]! / batches - mean[c]! ** 2))
    tf.tidy(() => {
      for (const weight of norm.weights) {
        if (weight.originalName.endsWith('/moving_mean')) weight.write(tf.tensor1d(Float32Array.from(mean)))
        if (weight.originalName.endsWith('/moving_variance')) weight.write(tf.tensor1d(Float32Array.from(variance)))
      }
    })
  }
}

/** The latent size and class count of a generator of this trainer (classes 0: unconditional). */
function generatorInputs(generator: tfl.LayersModel): { latentSize: number; classes: number } {
  const latentSize = generator.inputs[0]?.shape[1]
  const embedding = generator.layers.find((layer) => layer.getClassName() === 'Embedding')
  const classes = generator.inputs.length > 1 ? (embedding?.getConfig().inputDim as number | undefined) : 0
  if (typeof latentSize !== 'number' || generator.inputs.length > 2 || classes === undefined) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `setStandingStats: expected a generator of this trainer (inputs [latent] or [latent, label], the label through an Embedding), got inputs ${describeValue(generator.inputs.map((i) => i.shape))}.`,
    )
  }
  return { latentSize, classes }
}

function add(sum: Float64Array | undefined, values: ArrayLike<number>): Float64Array {
  const into = sum ?? new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) into[i]! += values[i]!
  return into
}
