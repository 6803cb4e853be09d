// A training replica in a worker thread: built like the main thread's models from the same config,
// given its weights and optimizer state, then driven by messages, one phase of a step at a time.
import * as tf from '@tensorflow/tfjs-core'
import { parentPort, workerData } from 'node:worker_threads'
import { selectBackend } from '../backend/ladder.js'
import { buildDiscriminator, buildGenerator } from '../models/dcgan.js'
import { restoreOptimizerState } from '../optimizer-state.js'
import type { ReplicaInit, ToReplica, FromReplica, WireTensor } from './replica-messages.js'
import { createReplicaStep, type ShardGradients } from './replica-step.js'

const port = parentPort!
const post = (message: FromReplica, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)

function fail(err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err))
  post({ type: 'error', message: error.message, stack: error.stack })
}

const toTensor = (w: WireTensor) => tf.tensor(w.values, w.shape, w.dtype)

async function start(init: ReplicaInit) {
  await selectBackend(init.backend, { fastConvTranspose: init.fastKernels, onnxRuntime: init.fastKernels })
  const G = buildGenerator(init.model)
  const D = buildDiscriminator(init.model)
  const set = (model: tf.serialization.Serializable & { setWeights(w: tf.Tensor[]): void }, weights: readonly WireTensor[]) => {
    const tensors = weights.map(toTensor)
    model.setWeights(tensors)
    tf.dispose(tensors)
  }
  set(G, init.generatorWeights)
  set(D, init.discriminatorWeights)
  const generatorOptimizer = tf.train.adam(init.step.learningRate.generator, init.beta1)
  const discriminatorOptimizer = tf.train.adam(init.step.learningRate.discriminator, init.beta1)
  const state = Object.fromEntries(Object.entries(init.optimizers).map(([name, w]) => [name, toTensor(w)]))
  const variables = (model: typeof G) => model.trainableWeights.map((w) => w.read() as tf.Variable)
  restoreOptimizerState(generatorOptimizer, 'generator', state, variables(G))
  restoreOptimizerState(discriminatorOptimizer, 'discriminator', state, variables(D))
  tf.dispose(Object.values(state))
  return createReplicaStep({ ...init.step, generator: G, discriminator: D, generatorOptimizer, discriminatorOptimizer }, init.shard)
}

const reply = (gradients: ShardGradients) => post({ type: 'gradients', ...gradients }, [gradients.values.buffer as ArrayBuffer])

const init = workerData as ReplicaInit
const ready = start(init)
ready.then(
  () => post({ type: 'ready' }),
  (err: unknown) => fail(err),
)
port.on('message', (message: ToReplica) => {
  ready
    .then((replica) => {
      if (message.type === 'step') {
        const real = tf.tensor4d(message.images, [init.shard.count, init.model.height, init.model.width, init.model.channels])
        try {
          reply(replica.discriminatorGradients(message.step, real, message.labels, message.anchors))
        } finally {
          real.dispose()
        }
      } else if (message.update === 'discriminator') {
        replica.applyDiscriminator(message.sum)
        reply(replica.generatorGradients(message.step))
      } else {
        replica.applyGenerator(message.sum)
      }
    })
    .catch(fail)
})
