import * as tf from '@tensorflow/tfjs-core'
import { appendFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { selectBackend } from './backend/ladder.js'
import type { ImageDataset } from './data/dataset.js'
import { loadMnist } from './data/mnist.js'
import { saveLayersModel } from './io/layers-model-io.js'
import { writeFileAtomic } from './io/atomic-write.js'
import { buildDiscriminator, buildGenerator, type DcganConfig } from './models/dcgan.js'
import { createEma } from './models/ema.js'
import { resolveTrainOptions, type TrainOptions } from './options.js'
import { mulberry32, permutation } from './random.js'
import { writeRunManifest, type RunManifest } from './run-manifest.js'
import { renderGrid } from './samples.js'

export interface TrainResult {
  outDir: string
  steps: number
  backend: string
  elapsedSec: number
  /** Mean images/s over the whole run (real images consumed per second). */
  imagesPerSec: number
}

const SAMPLE_COUNT = 64

/**
 * Train a DCGAN with the non-saturating loss and Adam, writing into `outDir`:
 * `generator/` (the EMA of the generator's weights, which is what gets exported) and
 * `discriminator/` (TF.js checkpoints), `samples/step-NNNNNN.png`,
 * `metrics.jsonl` and `gan.json`.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const opts = resolveTrainOptions(options)
  const backend = await selectBackend(opts.backend, { fastConvTranspose: opts.fastKernels })
  opts.onEvent({ type: 'backend', backend: backend.name, tried: backend.tried })

  const data: ImageDataset = typeof opts.dataset === 'string' ? loadMnist('train') : opts.dataset
  const cfg: DcganConfig = { ...opts.model, width: data.width, height: data.height, channels: data.channels }
  const G = buildGenerator(cfg)
  const D = buildDiscriminator(cfg)
  const ema = createEma(G, buildGenerator(cfg), opts.emaDecay)
  const gOpt = tf.train.adam(opts.learningRate, opts.beta1)
  const dOpt = tf.train.adam(opts.learningRate, opts.beta1)
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable)
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable)

  await mkdir(join(opts.outDir, 'samples'), { recursive: true })
  const metricsPath = join(opts.outDir, 'metrics.jsonl')
  await writeFileAtomic(metricsPath, '')
  const sampleLatents = tf.randomNormal([SAMPLE_COUNT, cfg.latentSize], 0, 1, 'float32', cfg.seed + 7)

  const imageSize = data.width * data.height * data.channels
  const scaled = new Float32Array(data.pixels.length)
  for (let i = 0; i < scaled.length; i++) scaled[i] = data.pixels[i]! * 2 - 1
  const rand = mulberry32(cfg.seed)
  let order = permutation(data.count, rand)
  let cursor = 0
  const batch = new Float32Array(opts.batchSize * imageSize)
  const nextRealBatch = (): tf.Tensor4D => {
    for (let b = 0; b < opts.batchSize; b++) {
      if (cursor === data.count) {
        order = permutation(data.count, rand)
        cursor = 0
      }
      const src = order[cursor++]!
      batch.set(scaled.subarray(src * imageSize, (src + 1) * imageSize), b * imageSize)
    }
    return tf.tensor4d(batch, [opts.batchSize, data.height, data.width, data.channels])
  }

  const writeSample = async (step: number) => {
    const fake = tf.tidy(() => ema.model.predict(sampleLatents) as tf.Tensor)
    const pixels = (await fake.data()) as Float32Array
    fake.dispose()
    const path = join(opts.outDir, 'samples', `step-${String(step).padStart(6, '0')}.png`)
    await writeFileAtomic(path, renderGrid(pixels, SAMPLE_COUNT, data, { cols: 8 }))
    opts.onEvent({ type: 'sample', step, path })
  }
  const manifest = (steps: number, elapsedSec: number): RunManifest => ({
    format: 'gan-sdk-run',
    version: 1,
    name: opts.name ?? `${data.name}-dcgan`,
    dataset: data.name,
    license: opts.license ?? data.license,
    latentSize: cfg.latentSize,
    latentDistribution: 'normal',
    width: data.width,
    height: data.height,
    channels: data.channels,
    range: [-1, 1],
    layout: 'NHWC',
    labels: [],
    generator: 'generator',
    discriminator: 'discriminator',
    steps,
    batchSize: opts.batchSize,
    emaDecay: opts.emaDecay,
    backend: backend.name,
    elapsedSec,
  })
  const checkpoint = async (step: number, elapsedSec: number) => {
    await saveLayersModel(ema.model, join(opts.outDir, 'generator'))
    await saveLayersModel(D, join(opts.outDir, 'discriminator'))
    await writeRunManifest(opts.outDir, manifest(step, elapsedSec))
    opts.onEvent({ type: 'checkpoint', step, dir: opts.outDir })
  }

  opts.onEvent({ type: 'start', totalSteps: opts.steps, batchSize: opts.batchSize, datasetSize: data.count, outDir: opts.outDir })
  const t0 = performance.now()
  let windowStart = t0
  let windowImages = 0
  let step = 0
  while (step < opts.steps && !opts.signal?.aborted) {
    step++
    const real = nextRealBatch()
    const zD = tf.randomNormal([opts.batchSize, cfg.latentSize], 0, 1, 'float32', cfg.seed * 1_000_003 + step * 2)
    const zG = tf.randomNormal([opts.batchSize, cfg.latentSize], 0, 1, 'float32', cfg.seed * 1_000_003 + step * 2 + 1)
    const fake = tf.tidy(() => G.apply(zD, { training: true }) as tf.Tensor)
    // Non-saturating GAN loss on logits: D minimises softplus(-D(x)) + softplus(D(G(z))),
    // G minimises softplus(-D(G(z))).
    const dLoss = dOpt.minimize(
      () => {
        const realLogits = D.apply(real, { training: true }) as tf.Tensor
        const fakeLogits = D.apply(fake, { training: true }) as tf.Tensor
        return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar
      },
      true,
      dVars,
    )
    const gLoss = gOpt.minimize(
      () => {
        const logits = D.apply(G.apply(zG, { training: true }), { training: true }) as tf.Tensor
        return tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar
      },
      true,
      gVars,
    )
    ema.update(step)
    tf.dispose([real, zD, zG, fake])
    windowImages += opts.batchSize

    if (step % opts.logEvery === 0 || step === opts.steps) {
      const [d, g] = await Promise.all([dLoss!.data(), gLoss!.data()])
      const now = performance.now()
      const imagesPerSec = windowImages / ((now - windowStart) / 1000)
      windowStart = now
      windowImages = 0
      const elapsedSec = (now - t0) / 1000
      const line = { step, dLoss: d[0]!, gLoss: g[0]!, imagesPerSec, elapsedSec }
      await appendFile(metricsPath, `${JSON.stringify(line)}\n`)
      opts.onEvent({ type: 'step', totalSteps: opts.steps, ...line })
    }
    tf.dispose([dLoss!, gLoss!])
    if (step % opts.sampleEvery === 0) await writeSample(step)
    if (step % opts.checkpointEvery === 0 && step !== opts.steps) await checkpoint(step, (performance.now() - t0) / 1000)
  }
  const elapsedSec = (performance.now() - t0) / 1000
  if (step % opts.sampleEvery !== 0) await writeSample(step)
  await checkpoint(step, elapsedSec)
  sampleLatents.dispose()
  gOpt.dispose()
  dOpt.dispose()
  G.dispose()
  D.dispose()
  ema.model.dispose()
  opts.onEvent({ type: 'done', steps: step, elapsedSec, outDir: opts.outDir })
  return { outDir: opts.outDir, steps: step, backend: backend.name, elapsedSec, imagesPerSec: (step * opts.batchSize) / elapsedSec }
}
