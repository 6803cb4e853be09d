import type { BackendName } from '../backend/ladder.js'
import type { LecamAnchors, LogitMeans } from '../lecam.js'
import type { DcganConfig } from '../models/dcgan.js'
import type { TrainStepParts } from '../train-step.js'
import type { Shard } from './replica-step.js'

/** A tensor as it crosses to a worker thread. */
export interface WireTensor {
  values: Float32Array | Int32Array
  shape: number[]
  dtype: 'float32' | 'int32'
}

/** A worker replica's workerData: how to build its models, their current weights and both optimizers' state. */
export interface ReplicaInit {
  backend: BackendName
  fastKernels: boolean
  model: DcganConfig
  beta1: number
  step: Pick<
    TrainStepParts,
    | 'latentSize'
    | 'batchSize'
    | 'seed'
    | 'loss'
    | 'augment'
    | 'classes'
    | 'classLoss'
    | 'lecam'
    | 'reconstruction'
    | 'topK'
    | 'blurSteps'
    | 'learningRate'
  >
  shard: Shard
  /** Every weight of each model (trainable or not), in `model.weights` order. */
  generatorWeights: WireTensor[]
  discriminatorWeights: WireTensor[]
  /** optimizerState() of both optimizers, prefixed `generator/` and `discriminator/`. */
  optimizers: Record<string, WireTensor>
}

/** To a worker: a step's shard of real images (answered by D gradients), then the summed updates (D answered by G gradients). */
export type ToReplica =
  | { type: 'step'; step: number; images: Float32Array; labels: Int32Array; anchors?: LecamAnchors }
  | { type: 'apply'; update: 'discriminator' | 'generator'; step: number; sum: Float32Array }

/** From a worker. */
export type FromReplica =
  | { type: 'ready' }
  | { type: 'gradients'; loss: number; values: Float32Array; meanLogits?: LogitMeans }
  | { type: 'error'; message: string; stack: string | undefined }
