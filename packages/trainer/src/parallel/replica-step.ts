import * as tf from '@tensorflow/tfjs-core'
import { logitMeansRecorder, type LecamAnchors, type LogitMeans } from '../lecam.js'
import { stepObjectives } from '../losses.js'
import { mulberry32 } from '../random.js'
import { keepTopFakes, topKQuota } from '../top-k.js'
import { discriminatorView, fakeJudge, judge, latentSeed, mixSeed, setStepLearningRate, type TrainStepParts } from '../train-step.js'

/** The rows of each step's batch one replica trains on. */
export interface Shard {
  offset: number
  count: number
}

/** Split `batchSize` rows into `replicas` contiguous shards, the larger ones first. */
export function splitBatch(batchSize: number, replicas: number): Shard[] {
  const base = Math.floor(batchSize / replicas)
  const shards: Shard[] = []
  let offset = 0
  for (let r = 0; r < replicas; r++) {
    const count = base + (r < batchSize % replicas ? 1 : 0)
    shards.push({ offset, count })
    offset += count
  }
  return shards
}

/**
 * One replica's share of a step: its loss term and the gradients of it, all weights flattened in
 * the order of the model's trainable weights. The loss is the shard's mean scaled by its share of
 * the batch, so the replicas' losses and gradients add up to the mean over the whole batch.
 */
export interface ShardGradients {
  loss: number
  values: Float32Array
  /** D's mean logits on the shard's real images and fakes, scaled by its share like the loss (D's gradients with LeCam only). */
  meanLogits?: LogitMeans
}

/**
 * A replica of the training step on one shard of each batch, in four phases that the caller
 * interleaves with the other replicas: gradients of D on the shard, the summed D update, gradients
 * of G against the updated D, the summed G update. Every replica draws the latents, fake labels and
 * augmentations of the whole batch, exactly as the one-thread step does, and keeps its rows, so a
 * sample meets the same noise whatever the number of replicas. What differs from one thread is
 * BatchNorm: in training mode it normalises by the shard's statistics (as PyTorch's DDP does), and
 * each replica's moving averages follow its own shards.
 */
export interface ReplicaStep {
  /** Starts step `step`: sets its learning rate, then computes D's gradients on the shard, with the LeCam anchors of the steps before. */
  discriminatorGradients(step: number, real: tf.Tensor4D, realLabels: Int32Array, anchors?: LecamAnchors): ShardGradients
  applyDiscriminator(sum: Float32Array): void
  generatorGradients(step: number): ShardGradients
  applyGenerator(sum: Float32Array): void
}

export function createReplicaStep(parts: TrainStepParts, shard: Shard): ReplicaStep {
  const { generator: G, discriminator: D, latentSize, batchSize, seed } = parts
  const lecam = parts.lecam ?? 0
  const objectives = stepObjectives(parts.loss ?? 'ns', parts)
  const classes = parts.classes ?? 0
  const share = shard.count / batchSize
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable)
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable)
  const judgeOfFakes = fakeJudge(D)
  const rows = <T extends tf.Tensor>(x: T): T => tf.slice(x, shard.offset, shard.count)
  // The same streams and seeds as createTrainStep's, drawn for the whole batch.
  const stream = (step: number, purpose: number) => mulberry32(mixSeed(seed, step, purpose))
  const view = (images: tf.Tensor, step: number, purpose: number) =>
    discriminatorView(parts, images, step, stream(step, purpose), { batch: batchSize, offset: shard.offset })
  const fakeLabels = (step: number, purpose: number) => {
    if (!classes) return undefined
    const rand = stream(step, purpose)
    const all = Int32Array.from({ length: batchSize }, () => Math.floor(rand() * classes))
    return tf.tensor2d(all.subarray(shard.offset, shard.offset + shard.count), [shard.count, 1], 'int32')
  }
  const latents = (step: number, update: 0 | 1) =>
    rows(tf.randomNormal([batchSize, latentSize], 0, 1, 'float32', latentSeed(seed, step, update)))
  const withLabel = (x: tf.Tensor, y: tf.Tensor | undefined) => (y ? [x, y] : x)

  const gradients = (f: () => tf.Scalar, vars: readonly tf.Variable[]): ShardGradients => {
    const values = new Float32Array(vars.reduce((n, v) => n + v.size, 0))
    let value = 0
    tf.tidy(() => {
      const { value: scalar, grads } = tf.variableGrads(() => tf.mul(f(), share) as tf.Scalar, vars as tf.Variable[])
      let offset = 0
      for (const v of vars) {
        const grad = grads[v.name]
        // A weight without a gradient (none in these models) contributes zeros.
        if (grad) values.set(grad.dataSync() as Float32Array, offset)
        offset += v.size
      }
      value = scalar.dataSync()[0]!
    })
    return { loss: value, values }
  }
  const apply = (optimizer: tf.Optimizer, vars: readonly tf.Variable[], sum: Float32Array) =>
    tf.tidy(() => {
      let offset = 0
      optimizer.applyGradients(
        vars.map((v) => {
          const tensor = tf.tensor(sum.subarray(offset, offset + v.size), v.shape, 'float32')
          offset += v.size
          return { name: v.name, tensor }
        }),
      )
    })

  return {
    discriminatorGradients(step, real, realLabels, anchors) {
      setStepLearningRate(parts, step)
      // tidy() would walk a returned Float32Array element by element: results leave through a variable.
      let result: ShardGradients | undefined
      const means = lecam > 0 ? logitMeansRecorder(share) : undefined
      try {
        tf.tidy(() => {
          const yReal = classes ? tf.tensor2d(realLabels, [shard.count, 1], 'int32') : undefined
          const yD = fakeLabels(step, 0)
          const fake = G.apply(withLabel(latents(step, 0), yD), { training: true }) as tf.Tensor
          result = gradients(() => {
            const judgedReal = judge(D, view(real, step, 2), yReal)
            const judgedFake = judge(judgeOfFakes, view(fake, step, 3), yD)
            means?.record(judgedReal.logits, judgedFake.logits)
            return objectives.discriminator(judgedReal, judgedFake, yReal, anchors)
          }, dVars)
        })
        if (means) result!.meanLogits = means.read()
      } finally {
        means?.dispose()
      }
      return result!
    },
    applyDiscriminator: (sum) => apply(parts.discriminatorOptimizer, dVars, sum),
    generatorGradients(step) {
      let result: ShardGradients | undefined
      tf.tidy(() => {
        const yG = fakeLabels(step, 1)
        const z = latents(step, 1)
        result = gradients(() => {
          const images = G.apply(withLabel(z, yG), { training: true }) as tf.Tensor
          // Top-k: the replica keeps its quota of the batch's kept fakes, the best of its own rows.
          const { keep, weight } = topKQuota(parts.topK, step, shard)
          return objectives.generator(keepTopFakes(judge(judgeOfFakes, view(images, step, 4), yG), keep), yG, weight)
        }, gVars)
      })
      return result!
    },
    applyGenerator: (sum) => apply(parts.generatorOptimizer, gVars, sum),
  }
}

/** Add the replicas' gradients in replica order, so every replica gets the same bits. */
export function sumGradients(parts: readonly Float32Array[]): Float32Array {
  const sum = Float32Array.from(parts[0]!)
  for (const part of parts.slice(1)) for (let i = 0; i < sum.length; i++) sum[i]! += part[i]!
  return sum
}
