import * as tf from '@tensorflow/tfjs-core'
import { selectBackend } from './backend/ladder.js'
import { createRealBatches } from './data/batches.js'
import type { ImageDataset } from './data/dataset.js'
import { loadMnist } from './data/mnist.js'
import { writeCheckpoint } from './checkpoint.js'
import { createMetricsLog } from './metrics.js'
import { buildDiscriminator, buildGenerator, type DcganConfig } from './models/dcgan.js'
import { createEma } from './models/ema.js'
import { resolveTrainOptions, type TrainOptions } from './options.js'
import { buildRunManifest } from './run-manifest.js'
import { createSampleWriter } from './samples.js'
import { createTrainStep } from './train-step.js'

export interface TrainResult {
  outDir: string
  steps: number
  backend: string
  elapsedSec: number
  /** Mean images/s over the whole run (real images consumed per second). */
  imagesPerSec: number
}

/**
 * Train a DCGAN with the non-saturating loss and Adam, writing into `outDir`:
 * `generator/` (the EMA of the generator's weights, which is what gets exported) and
 * `discriminator/` (TF.js checkpoints), `samples/step-NNNNNN.png` (seeds 0 … 63, as the SDK draws
 * them), `metrics.jsonl` and `gan.json`. The same seed and options give the same run, step for step.
 *
 * @throws TrainError: `ERR_INVALID_OPTION`, `ERR_DATASET`, `ERR_BACKEND`, `ERR_WRITE`.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const opts = resolveTrainOptions(options)
  const backend = await selectBackend(opts.backend, { fastConvTranspose: opts.fastKernels })
  opts.onEvent({ type: 'backend', backend: backend.name, tried: backend.tried })

  const data: ImageDataset = typeof opts.dataset === 'string' ? loadMnist('train') : opts.dataset
  const cfg: DcganConfig = { ...opts.model, width: data.width, height: data.height, channels: data.channels }
  // Everything that holds tensors, freed in reverse order however training ends.
  const owned: Array<{ dispose(): unknown }> = []
  const own = <T extends { dispose(): unknown }>(resource: T): T => {
    owned.push(resource)
    return resource
  }
  try {
    const G = own(buildGenerator(cfg))
    const D = own(buildDiscriminator(cfg))
    const ema = createEma(G, own(buildGenerator(cfg)), opts.emaDecay)
    const step = createTrainStep({
      generator: G,
      discriminator: D,
      generatorOptimizer: own(tf.train.adam(opts.learningRate, opts.beta1)),
      discriminatorOptimizer: own(tf.train.adam(opts.learningRate, opts.beta1)),
      latentSize: cfg.latentSize,
      batchSize: opts.batchSize,
      seed: cfg.seed,
    })
    const nextRealBatch = createRealBatches(data, opts.batchSize, cfg.seed)
    const samples = own(createSampleWriter(ema.model, { outDir: opts.outDir, latentSize: cfg.latentSize, shape: data }))
    const writeSample = async (at: number) => {
      opts.onEvent({ type: 'sample', step: at, path: await samples.write(at) })
    }
    const checkpoint = async (at: number, elapsedSec: number) => {
      const manifest = buildRunManifest({
        name: opts.name,
        license: opts.license,
        data,
        latentSize: cfg.latentSize,
        batchSize: opts.batchSize,
        emaDecay: opts.emaDecay,
        backend: backend.name,
        steps: at,
        elapsedSec,
      })
      await writeCheckpoint(opts.outDir, { generator: ema.model, discriminator: D }, manifest)
      opts.onEvent({ type: 'checkpoint', step: at, dir: opts.outDir })
    }

    const metrics = await createMetricsLog(opts.outDir)
    opts.onEvent({ type: 'start', totalSteps: opts.steps, batchSize: opts.batchSize, datasetSize: data.count, outDir: opts.outDir })
    let done = 0
    while (done < opts.steps && !opts.signal?.aborted) {
      done++
      const real = nextRealBatch()
      let losses
      try {
        losses = step(done, real)
        ema.update(done)
      } finally {
        real.dispose()
      }
      metrics.addImages(opts.batchSize)
      try {
        if (done % opts.logEvery === 0 || done === opts.steps) {
          const [d, g] = await Promise.all([losses.dLoss.data(), losses.gLoss.data()])
          const line = await metrics.append(done, d[0]!, g[0]!)
          opts.onEvent({ type: 'step', totalSteps: opts.steps, ...line })
        }
      } finally {
        tf.dispose([losses.dLoss, losses.gLoss])
      }
      if (done % opts.sampleEvery === 0) await writeSample(done)
      if (done % opts.checkpointEvery === 0 && done !== opts.steps) await checkpoint(done, metrics.elapsedSec())
      // A step runs synchronously: yield once per step so an abort (Ctrl-C) is seen within one step.
      await new Promise((resolve) => setImmediate(resolve))
    }
    const elapsedSec = metrics.elapsedSec()
    if (done % opts.sampleEvery !== 0) await writeSample(done)
    await checkpoint(done, elapsedSec)
    opts.onEvent({ type: 'done', steps: done, elapsedSec, outDir: opts.outDir })
    return { outDir: opts.outDir, steps: done, backend: backend.name, elapsedSec, imagesPerSec: (done * opts.batchSize) / elapsedSec }
  } finally {
    for (const resource of owned.reverse()) resource.dispose()
  }
}
