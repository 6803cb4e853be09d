import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { selectBackend } from './backend/ladder.js'
import { checkBatchSize } from './batch-size.js'
import { readCheckpoint, removeCheckpointsAfter, writeCheckpoint, type TrainingState } from './checkpoint.js'
import { createRealBatches } from './data/batches.js'
import { loadDataset } from './data/load-dataset.js'
import { nextAnchors } from './lecam.js'
import { createMetricsLog } from './metrics.js'
import { buildDiscriminator, buildGenerator, checkImageSize, type DcganConfig } from './models/dcgan.js'
import { createEma } from './models/ema.js'
import { setStandingStats } from './models/standing-stats.js'
import { resolveTrainOptions, type TrainOptions } from './options.js'
import { buildRunConfig, checkResumeSchedule, checkSameData, resumeOptions, writeRunConfig } from './run-config.js'
import { checkRunDir, clearRunDir } from './run-dir.js'
import { buildRunManifest, readRunManifest } from './run-manifest.js'
import { createSampleWriter, removeSamplesAfter } from './samples.js'
import { createParallelStep, resolveWorkers } from './parallel/parallel-step.js'
import { createTrainStep, mixSeed, type StepLosses, type TrainStep } from './train-step.js'
import { applyWarmStart, checkWarmStart, locateWarmStart } from './warm-start.js'

/** The purpose number of the standing statistics' draws in {@link mixSeed} (a training step uses 0–4). */
const STANDING_STATS = 100

export interface TrainResult {
  outDir: string
  /** Steps the saved checkpoint has had (the total, counting those before a resume). */
  steps: number
  /** The step this call started from: 0, or the checkpoint's when resuming. */
  startStep: number
  backend: string
  elapsedSec: number
  /** Mean images/s over this call's steps (real images consumed per second). */
  imagesPerSec: number
}

/**
 * Train a DCGAN with Adam, writing into `outDir`: `config.json` (every option, resolved),
 * `checkpoints/step-N/` (the generator's weight average, which is exported, the live generator, the
 * discriminator and both optimizers' state), `gan.json` naming the latest checkpoint,
 * `samples/step-NNNNNN.png` (seeds 0 … 63, as the SDK draws them) and `metrics.jsonl`. Everything is
 * checked, and the images loaded, before a backend starts. The same seed and options give the same
 * run, step for step, and a resumed run continues exactly as if it had not stopped.
 *
 * @throws TrainError: `ERR_INVALID_OPTION`, `ERR_DATASET`, `ERR_RUN_EXISTS`, `ERR_RESUME`, `ERR_BACKEND`,
 *   `ERR_CHECKPOINT`, `ERR_WRITE`.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const resumed = options?.resume === true ? await resumeOptions(options) : undefined
  const resolved = resolveTrainOptions(resumed?.options ?? options)
  // A resumed run has its own checkpoints: the one it started from only set its first weights.
  const warm =
    resolved.initFrom !== undefined && !resolved.resume
      ? await locateWarmStart(resolved.initFrom, resolved.initStep, resolved.outDir)
      : undefined
  const opts = warm ? { ...resolved, initFrom: warm.run, initStep: warm.step } : resolved
  const replaced = await checkRunDir(opts.outDir, opts)
  const saved = resumed?.config
  if (saved) checkResumeSchedule(opts, saved, (await readRunManifest(opts.outDir)).steps ?? 0)
  const { dataset: loaded, skipped } = await loadDataset(opts.data, opts.shape, opts.conditional)
  // A resumed folder run keeps its dataset's name (and so its model's) wherever the folder moved.
  const data = saved ? { ...loaded, name: saved.dataset.name } : loaded
  const classNames = opts.conditional ? data.classNames : []
  opts.onEvent({
    type: 'data',
    name: data.name,
    count: data.count,
    width: data.width,
    height: data.height,
    channels: data.channels,
    classes: classNames,
    skipped: skipped.length,
    skippedExamples: skipped.slice(0, 5),
  })
  const cfg: DcganConfig = { ...opts.model, width: data.width, height: data.height, channels: data.channels, classes: classNames.length }
  checkImageSize(cfg)
  checkBatchSize(opts.batchSize, data.count, cfg, opts.backend)
  const config = buildRunConfig(opts, data)
  if (saved) checkSameData(config, saved)
  if (warm) checkWarmStart(config, warm)

  const backend = await selectBackend(opts.backend, { fastConvTranspose: opts.fastKernels, onnxRuntime: opts.fastKernels })
  const replicas = resolveWorkers(opts.workers, backend.name, opts.batchSize)
  opts.onEvent({
    type: 'backend',
    backend: backend.name,
    tried: backend.tried,
    workers: replicas,
    ...(backend.kernels ? { kernels: backend.kernels } : {}),
  })
  // Everything that holds tensors, freed in reverse order however training ends.
  const owned: Array<{ dispose(): unknown }> = []
  const own = <T extends { dispose(): unknown }>(resource: T): T => {
    owned.push(resource)
    return resource
  }
  try {
    const checkpoint = opts.resume ? own(await readCheckpoint(opts.outDir)) : undefined
    const startStep = checkpoint?.step ?? 0
    // The LeCam anchors after the last step done (lecam.ts): they continue from the checkpoint.
    let lecamAnchors = checkpoint?.lecamAnchors
    const state: TrainingState = {
      liveGenerator: own(checkpoint?.liveGenerator ?? buildGenerator(cfg)),
      discriminator: own(checkpoint?.discriminator ?? buildDiscriminator(cfg)),
      generator: own(checkpoint?.generator ?? buildGenerator(cfg)),
      generatorOptimizer: own(tf.train.adam(opts.learningRate, opts.beta1)),
      discriminatorOptimizer: own(tf.train.adam(opts.discriminatorLearningRate, opts.beta1)),
    }
    if (warm) await applyWarmStart(warm, state)
    const ema = createEma(state.liveGenerator, state.generator, opts.emaDecay, {
      resume: checkpoint !== undefined || warm !== undefined,
      age: opts.initStep ?? 0,
    })
    const variables = (model: tfl.LayersModel) => model.trainableWeights.map((w) => w.read() as tf.Variable)
    checkpoint?.restoreOptimizers(
      { optimizer: state.generatorOptimizer, variables: variables(state.liveGenerator) },
      { optimizer: state.discriminatorOptimizer, variables: variables(state.discriminator) },
    )
    const stepParts = {
      generator: state.liveGenerator,
      discriminator: state.discriminator,
      generatorOptimizer: state.generatorOptimizer,
      discriminatorOptimizer: state.discriminatorOptimizer,
      latentSize: cfg.latentSize,
      batchSize: opts.batchSize,
      seed: cfg.seed,
      loss: opts.loss,
      augment: opts.augment,
      classes: cfg.classes,
      classLoss: opts.classLoss,
      lecam: opts.lecam,
      reconstruction: opts.reconstruction,
      blurSteps: opts.blurSteps,
      // Epochs as createRealBatches counts them: with mirror, both copies of the images.
      ...(opts.topK < 1 ? { topK: { least: opts.topK, batchSize: opts.batchSize, epochImages: (opts.mirror ? 2 : 1) * data.count } } : {}),
      learningRate: {
        generator: opts.learningRate,
        discriminator: opts.discriminatorLearningRate,
        steps: opts.steps,
        decaySteps: opts.learningRateDecaySteps,
      },
    }
    // One replica is today's step in this thread; more add worker threads (their own replicas of the models).
    const step: (...args: Parameters<TrainStep>) => StepLosses | Promise<StepLosses> =
      replicas === 1
        ? createTrainStep(stepParts)
        : own(
            await createParallelStep({
              ...stepParts,
              replicas,
              backend: backend.name,
              fastKernels: opts.fastKernels,
              model: cfg,
              beta1: opts.beta1,
            }),
          ).step
    const nextRealBatch = createRealBatches(data, opts.batchSize, cfg.seed, startStep, opts.mirror)
    const samples = own(
      createSampleWriter(ema.model, { outDir: opts.outDir, latentSize: cfg.latentSize, shape: data, classes: cfg.classes }),
    )
    // The exported generator's BatchNorm statistics, its own before it is sampled or saved (once a step).
    let standingAt = -1
    const settle = (at: number) => {
      if (opts.standingStats === 0 || standingAt === at) return
      setStandingStats(ema.model, {
        batches: opts.standingStats,
        batchSize: opts.batchSize,
        seed: mixSeed(cfg.seed, at, STANDING_STATS),
      })
      standingAt = at
    }
    const writeSample = async (at: number) => {
      settle(at)
      opts.onEvent({ type: 'sample', step: at, path: await samples.write(at) })
    }
    const save = async (at: number, elapsedSec: number) => {
      const manifest = buildRunManifest({
        name: opts.name,
        license: opts.license,
        data,
        labels: classNames,
        latentSize: cfg.latentSize,
        batchSize: opts.batchSize,
        emaDecay: opts.emaDecay,
        backend: backend.name,
        steps: at,
        elapsedSec,
      })
      settle(at)
      await writeCheckpoint(
        opts.outDir,
        state,
        manifest,
        { step: at, elapsedSec, ...(lecamAnchors ? { lecamAnchors } : {}) },
        opts.keepCheckpoints,
      )
      opts.onEvent({ type: 'checkpoint', step: at, dir: opts.outDir })
    }

    // Stopped while starting up: nothing was trained, so nothing is written (or overwritten).
    if (opts.signal?.aborted) {
      opts.onEvent({ type: 'done', steps: startStep, totalSteps: opts.steps, elapsedSec: checkpoint?.elapsedSec ?? 0, outDir: opts.outDir })
      return { outDir: opts.outDir, steps: startStep, startStep, backend: backend.name, elapsedSec: 0, imagesPerSec: 0 }
    }
    // The old run under --force goes only now, when the new one is about to write its first file.
    await clearRunDir(opts.outDir, replaced)
    await writeRunConfig(opts.outDir, config)
    if (checkpoint) await Promise.all([removeSamplesAfter(opts.outDir, startStep), removeCheckpointsAfter(opts.outDir, startStep)])
    const metrics = await createMetricsLog(opts.outDir, checkpoint && { step: startStep, elapsedSec: checkpoint.elapsedSec })
    const sessionStart = performance.now()
    opts.onEvent({
      type: 'start',
      totalSteps: opts.steps,
      startStep,
      batchSize: opts.batchSize,
      datasetSize: data.count,
      outDir: opts.outDir,
      ...(warm ? { initFrom: { run: warm.run, step: warm.step } } : {}),
    })
    let done = startStep
    const sessionSec = () => (performance.now() - sessionStart) / 1000
    while (done < opts.steps && !opts.signal?.aborted) {
      done++
      const real = nextRealBatch()
      let losses
      try {
        losses = await step(done, real, lecamAnchors)
        if (losses.meanLogits) lecamAnchors = nextAnchors(lecamAnchors, losses.meanLogits)
        ema.update(done)
      } finally {
        real.images.dispose()
      }
      metrics.addImages(opts.batchSize)
      try {
        opts.onEvent({
          type: 'progress',
          step: done,
          totalSteps: opts.steps,
          elapsedSec: metrics.elapsedSec(),
          imagesPerSec: ((done - startStep) * opts.batchSize) / sessionSec(),
        })
        if (done % opts.logEvery === 0 || done === opts.steps) {
          const [d, g] = await Promise.all([losses.dLoss.data(), losses.gLoss.data()])
          const line = await metrics.append(done, d[0]!, g[0]!)
          opts.onEvent({ type: 'step', totalSteps: opts.steps, ...line })
        }
      } finally {
        tf.dispose([losses.dLoss, losses.gLoss])
      }
      if (done % opts.sampleEvery === 0) await writeSample(done)
      if (done % opts.checkpointEvery === 0 && done !== opts.steps) await save(done, metrics.elapsedSec())
      // A step runs synchronously: yield once per step so an abort (Ctrl-C) is seen within one step.
      await new Promise((resolve) => setImmediate(resolve))
    }
    const elapsedSec = metrics.elapsedSec()
    // Stopped before the first step finished: nothing new to save, and the last checkpoint stays.
    if (done > startStep) {
      if (done % opts.sampleEvery !== 0) await writeSample(done)
      if (done % opts.checkpointEvery !== 0 || done === opts.steps) await save(done, elapsedSec)
    }
    opts.onEvent({ type: 'done', steps: done, totalSteps: opts.steps, elapsedSec, outDir: opts.outDir })
    const seconds = sessionSec()
    return {
      outDir: opts.outDir,
      steps: done,
      startStep,
      backend: backend.name,
      elapsedSec,
      imagesPerSec: ((done - startStep) * opts.batchSize) / seconds,
    }
  } finally {
    for (const resource of owned.reverse()) resource.dispose()
  }
}
