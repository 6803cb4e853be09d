import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { BackendName } from '../backend/ladder.js'
import { TrainError } from '../errors.js'
import type { DcganConfig } from '../models/dcgan.js'
import { optimizerState } from '../optimizer-state.js'
import type { StepLosses, TrainStep, TrainStepParts } from '../train-step.js'
import type { FromReplica, ReplicaInit, ToReplica, WireTensor } from './replica-messages.js'
import { createReplicaStep, splitBatch, sumGradients, type ShardGradients } from './replica-step.js'
import { replicaWorkerScript } from './replica-worker-script.js'

/** Backends that compute on one thread, where replicas in worker threads put the other cores to work. */
const ONE_THREAD_BACKENDS: readonly BackendName[] = ['wasm', 'cpu']

/** The fewest images a replica trains on: BatchNorm over one image normalises it to nothing. */
export const MIN_SHARD = 2

/**
 * How long a worker may take to answer, once this thread has done its own share of the same work,
 * before it is taken for hung (a deadlock, a stopped thread) and the step fails with ERR_WORKER
 * instead of waiting for ever: {@link STALL_FACTOR} times this thread's time, and at least
 * {@link MIN_STALL_MS}, so that a core slowed by another process is not mistaken for a hang.
 */
export function stallLimitMs(ownMs: number): number {
  return Math.max(MIN_STALL_MS, STALL_FACTOR * ownMs)
}
export const MIN_STALL_MS = 120_000
export const STALL_FACTOR = 20
/** How long a worker may take to start (load its backend, build its models) before it is taken for hung. */
const START_LIMIT_MS = 10 * 60_000

/**
 * How many replicas train: `auto` is one per core on a one-thread backend (wasm, cpu), at most
 * one per {@link MIN_SHARD} images of the batch, and 1 on tfjs-node(-gpu), which use every core already.
 * @throws TrainError `ERR_INVALID_OPTION` for a number above 1 on tfjs-node(-gpu), or one that leaves a replica under MIN_SHARD images.
 */
export function resolveWorkers(workers: number | 'auto', backend: BackendName, batchSize: number, cores = availableParallelism()): number {
  const oneThread = ONE_THREAD_BACKENDS.includes(backend)
  if (workers === 'auto') return oneThread ? Math.max(1, Math.min(cores, Math.floor(batchSize / MIN_SHARD))) : 1
  if (workers > 1 && !oneThread) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `workers ${workers} is for the one-thread backends (${ONE_THREAD_BACKENDS.join(', ')}); ${backend} uses every core already: pass workers 1 or auto.`,
    )
  }
  if (workers > 1 && batchSize < workers * MIN_SHARD) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `workers ${workers} would give replicas fewer than ${MIN_SHARD} of the ${batchSize} images per step (BatchNorm needs ${MIN_SHARD}): pass at most --workers ${Math.max(1, Math.floor(batchSize / MIN_SHARD))}, or a batch size of at least ${workers * MIN_SHARD}.`,
    )
  }
  return workers
}

export interface ParallelStepParts extends TrainStepParts {
  /** Replicas, this thread's included: 2 or more. */
  replicas: number
  backend: BackendName
  fastKernels: boolean
  model: DcganConfig
  beta1: number
}

export interface ParallelStep {
  /** One step, as createTrainStep's: the same losses (the mean over the whole batch), updates applied to this thread's models. */
  step(...args: Parameters<TrainStep>): Promise<StepLosses>
  /** Stop the worker threads. */
  dispose(): void
}

/**
 * Synchronous data-parallel training: this thread is replica 0 and `replicas − 1` worker threads
 * hold identical copies of G, D and both Adam optimizers. Each step, every replica computes
 * gradients on its shard of the batch; this thread adds them in replica order and sends the sum
 * back, and every replica applies the same update, so the copies stay bit-identical (moving
 * BatchNorm statistics aside: each replica's follow its shards, and this thread's are the ones saved).
 * Sending the summed gradients (≈ 4 MB for the reference DCGAN) costs about what sending the updated
 * weights would, and lets the workers update while this thread does, instead of waiting for it.
 * Worker threads never keep the process alive between steps.
 * @throws TrainError `ERR_WORKER` (from start-up or a step) when a worker fails or exits.
 */
export async function createParallelStep(parts: ParallelStepParts): Promise<ParallelStep> {
  const shards = splitBatch(parts.batchSize, parts.replicas)
  const replica = createReplicaStep(parts, shards[0]!)
  const script = await replicaWorkerScript()
  const base = {
    backend: parts.backend,
    fastKernels: parts.fastKernels,
    model: parts.model,
    beta1: parts.beta1,
    step: {
      latentSize: parts.latentSize,
      batchSize: parts.batchSize,
      seed: parts.seed,
      loss: parts.loss,
      augment: parts.augment,
      classes: parts.classes,
      classLoss: parts.classLoss,
      lecam: parts.lecam,
      reconstruction: parts.reconstruction,
      topK: parts.topK,
      blurSteps: parts.blurSteps,
      learningRate: parts.learningRate,
    },
    generatorWeights: wireWeights(parts.generator),
    discriminatorWeights: wireWeights(parts.discriminator),
    optimizers: wireOptimizers(parts.generatorOptimizer, parts.discriminatorOptimizer),
  }
  const workers = shards.slice(1).map((shard, i) => new ReplicaWorker(script, { ...base, shard }, i + 1, parts.replicas))
  const keepAlive = (alive: boolean) => workers.forEach((w) => w.keepAlive(alive))
  const dispose = () => workers.forEach((w) => w.terminate())
  try {
    keepAlive(true)
    await Promise.all(workers.map((w) => w.next('ready', START_LIMIT_MS)))
  } catch (err) {
    dispose()
    throw err
  } finally {
    keepAlive(false)
  }
  const mine = shards[0]!
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b)
  const total = (own: ShardGradients, others: ReadonlyArray<{ loss: number }>) => sum([own.loss, ...others.map((o) => o.loss)])

  return {
    async step(step, real, anchors) {
      keepAlive(true)
      try {
        const pixels = real.images.dataSync() as Float32Array
        const imageSize = pixels.length / parts.batchSize
        workers.forEach((worker, i) => {
          const { offset, count } = shards[i + 1]!
          const images = pixels.slice(offset * imageSize, (offset + count) * imageSize)
          worker.post({ type: 'step', step, images, labels: real.labels.slice(offset, offset + count), anchors }, [images.buffer])
        })
        const shard = tf.slice(real.images, mine.offset, mine.count)
        let d: ShardGradients
        let started = performance.now()
        try {
          d = replica.discriminatorGradients(step, shard, real.labels.subarray(0, mine.count), anchors)
        } finally {
          shard.dispose()
        }
        const dLimit = stallLimitMs(performance.now() - started)
        const dOthers = await Promise.all(workers.map((w) => w.next('gradients', dLimit)))
        const dSum = sumGradients([d.values, ...dOthers.map((o) => o.values)])
        for (const worker of workers) worker.post({ type: 'apply', update: 'discriminator', step, sum: dSum })
        replica.applyDiscriminator(dSum)
        started = performance.now()
        const g = replica.generatorGradients(step)
        const gLimit = stallLimitMs(performance.now() - started)
        const gOthers = await Promise.all(workers.map((w) => w.next('gradients', gLimit)))
        const gSum = sumGradients([g.values, ...gOthers.map((o) => o.values)])
        for (const worker of workers) worker.post({ type: 'apply', update: 'generator', step, sum: gSum })
        replica.applyGenerator(gSum)
        const losses: StepLosses = { dLoss: tf.scalar(total(d, dOthers)), gLoss: tf.scalar(total(g, gOthers)) }
        if (d.meanLogits) {
          const shares = [d, ...dOthers].map((o) => o.meanLogits!)
          losses.meanLogits = { real: sum(shares.map((m) => m.real)), fake: sum(shares.map((m) => m.fake)) }
        }
        return losses
      } finally {
        keepAlive(false)
      }
    },
    dispose,
  }
}

type Reply<T extends FromReplica['type']> = Extract<FromReplica, { type: T }>
/** How a pending wait for a worker's reply ends. */
type Settle = { resolve(m: FromReplica): void; reject(e: TrainError): void }

/**
 * One worker thread, its replies read in order; its failure or exit, or its silence past the time
 * allowed, rejects what waits for it.
 */
export class ReplicaWorker {
  private readonly worker: Worker
  private readonly inbox: FromReplica[] = []
  private waiting: (Settle & { timer: NodeJS.Timeout }) | undefined
  private failure: TrainError | undefined
  private closing = false
  private readonly failed: (why: string, cause?: unknown) => TrainError

  constructor(script: URL, init: ReplicaInit, index: number, replicas: number) {
    this.failed = (why, cause) =>
      new TrainError(
        'ERR_WORKER',
        `training worker ${index} of ${replicas - 1} ${why}. Pass --workers 1 (workers: 1) to train in one thread; the run's last checkpoint is intact.`,
        { cause },
      )
    // Workers inherit the process's Node options; --input-type (set for `node --input-type=module -e …`) refuses a file entry point.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'))
    this.worker = new Worker(script, { workerData: init, execArgv })
    this.worker.on('message', (message: FromReplica) => {
      if (message.type === 'error') {
        const cause = Object.assign(new Error(message.message), { stack: message.stack })
        this.fail(this.failed(`failed: ${message.message}`, cause))
      } else {
        const waiting = this.take()
        if (waiting) waiting.resolve(message)
        else this.inbox.push(message)
      }
    })
    this.worker.on('error', (err) => this.fail(this.failed(`failed: ${err.message}`, err)))
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(this.failed(`exited (code ${code})`))
    })
  }

  post(message: ToReplica, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer)
  }

  /** The next reply, which must be of type `type`; a worker silent for `limitMs` is stopped, and fails. */
  async next<T extends FromReplica['type']>(type: T, limitMs: number): Promise<Reply<T>> {
    if (this.failure) throw this.failure
    const message = this.inbox.shift() ?? (await this.reply(limitMs))
    if (message.type !== type) throw new TrainError('ERR_WORKER', `a training worker answered ${message.type} where ${type} was due.`)
    return message as Reply<T>
  }

  keepAlive(alive: boolean): void {
    if (alive) this.worker.ref()
    else this.worker.unref()
  }

  /** Stop the thread; a reply still awaited fails. */
  terminate(): void {
    if (this.closing) return
    this.closing = true
    this.take()?.reject(this.failed('was stopped'))
    void this.worker.terminate()
  }

  /**
   * The next message. Silence for `limitMs` stops the worker; a timer that fires much later than
   * due means this process was suspended (Ctrl-Z, a paused container), not that the worker hung,
   * so the wait starts over.
   */
  private reply(limitMs: number): Promise<FromReplica> {
    return new Promise((resolve, reject) => {
      const arm = (): NodeJS.Timeout => {
        const due = performance.now() + limitMs
        const timer = setTimeout(() => {
          if (performance.now() - due > SUSPENDED_MS) {
            if (this.waiting) this.waiting.timer = arm()
            return
          }
          this.fail(this.failed(`sent nothing for ${seconds(limitMs)}: it is stuck (or this machine too busy for it), and was stopped`))
          this.terminate()
        }, limitMs)
        timer.unref()
        return timer
      }
      this.waiting = { resolve, reject, timer: arm() }
    })
  }

  /** The pending wait, its timer cleared, if any. */
  private take(): Settle | undefined {
    const waiting = this.waiting
    if (waiting) clearTimeout(waiting.timer)
    this.waiting = undefined
    return waiting
  }

  private fail(error: TrainError): void {
    if (this.failure || this.closing) return
    this.failure = error
    this.take()?.reject(error)
  }
}

/** A timer this late fired after the process was suspended. */
const SUSPENDED_MS = 5_000

const seconds = (ms: number) => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`

function wireWeights(model: tfl.LayersModel): WireTensor[] {
  return model.weights.map((w) => {
    const value = w.read()
    return { values: value.dataSync() as Float32Array, shape: value.shape, dtype: 'float32' }
  })
}

function wireOptimizers(generator: tf.AdamOptimizer, discriminator: tf.AdamOptimizer): Record<string, WireTensor> {
  const tensors = { ...optimizerState(generator, 'generator'), ...optimizerState(discriminator, 'discriminator') }
  const wire = Object.fromEntries(
    Object.entries(tensors).map(([name, t]) => [
      name,
      { values: t.dataSync() as Float32Array | Int32Array, shape: t.shape, dtype: t.dtype as 'float32' | 'int32' },
    ]),
  )
  for (const [name, t] of Object.entries(tensors)) if (name.endsWith('/iterations')) t.dispose()
  return wire
}
