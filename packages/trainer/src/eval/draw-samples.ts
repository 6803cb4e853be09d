import * as tf from '@tensorflow/tfjs-core'
import { isGanError, runManifestAtStep, seedsToLatents, seedToInteger, type RunManifest } from 'gan-sdk/core'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { isBuiltinDataset } from '../data/builtin-datasets.js'
import type { DatasetSource } from '../data/load-dataset.js'
import { CHECKPOINTS_DIR } from '../checkpoint.js'
import { TrainError } from '../errors.js'
import { loadLayersModel } from '../io/layers-model-io.js'
import { readRunConfig, type RunConfig } from '../run-config.js'
import { readRunManifest } from '../run-manifest.js'

/** Samples as floats in [0, 1], NHWC, with the class index each was generated for (conditional models). */
export interface Samples {
  pixels: Float32Array
  shape: { width: number; height: number; channels: 1 | 3 | 4 }
  labels: string[] | undefined
  classOf: Int32Array | undefined
  dataset: DatasetSource | undefined
  truncation: number
  /** A run's checkpoint: the steps it had trained (gan.json's `steps`); undefined for an .onnx or a run that does not say. */
  step: number | undefined
  /** A run's checkpoint: its discriminator's folder and the pixel range it judges; undefined for an .onnx or a run without one. */
  discriminator?: { path: string; range: [number, number] }
}

export type Shape = Samples['shape']

/** The classes a conditional model's samples are generated for, given its labels, image shape and training data; undefined: each seed's own. */
export type ClassPlan = (labels: readonly string[], shape: Shape, dataset: DatasetSource | undefined) => Promise<Int32Array | undefined>

/**
 * `count` samples of `input`, a training run directory (its checkpoint of `step`, else its latest)
 * or a generator `.onnx`, at `truncation`, for the classes `plan` gives.
 */
export async function drawSamples(input: string, count: number, truncation: number, plan: ClassPlan, step?: number): Promise<Samples> {
  if (!input.endsWith('.onnx')) return runSamples(input, await runManifest(input, step), count, truncation, plan)
  if (step !== undefined)
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `a step picks a checkpoint of a training run, and ${input} is an exported model: leave out the step.`,
    )
  return onnxSamples(input, count, truncation, plan)
}

/** The manifest of the run in `dir`, at its kept checkpoint of `step` when one is asked for. */
async function runManifest(dir: string, step: number | undefined): Promise<RunManifest> {
  const latest = await readRunManifest(dir)
  if (step === undefined) return latest
  const folders = await readdir(join(dir, CHECKPOINTS_DIR)).catch(() => [])
  try {
    return runManifestAtStep(latest, step, { where: dir, folders })
  } catch (err) {
    if (!isGanError(err, 'ERR_INVALID_OPTION')) throw err
    throw new TrainError('ERR_CHECKPOINT', err.detail, { cause: err })
  }
}

/** Samples of a run's generator (the checkpoint `manifest` names) in TF.js, from the seed contract's latents at `truncation`, for the classes `plan` gives. */
async function runSamples(dir: string, manifest: RunManifest, count: number, truncation: number, plan: ClassPlan): Promise<Samples> {
  const model = await loadLayersModel(join(dir, manifest.generator))
  try {
    const latentSize = manifest.latentSize ?? (model.inputs[0]!.shape[1] as number)
    const [lo, hi] = manifest.range ?? [-1, 1]
    const labels = manifest.labels !== undefined && manifest.labels.length > 0 ? manifest.labels : undefined
    const seeds = Array.from({ length: count }, (_, i) => i)
    const dataset = await runDataset(dir)
    const [, height, width, channels] = model.outputs[0]!.shape as number[]
    const shape = { width: width!, height: height!, channels: channels as 1 | 3 | 4 }
    const classOf =
      labels === undefined
        ? undefined
        : ((await plan(labels, shape, dataset)) ?? Int32Array.from(seeds, (s) => seedToInteger(s) % labels.length))
    const out = tf.tidy(() => {
      const z = tf.tensor2d(seedsToLatents(seeds, latentSize, { truncation }), [count, latentSize])
      const y = labels === undefined ? model.predict(z) : model.predict([z, tf.tensor2d(classOf!, [count, 1], 'int32')])
      return tf.clipByValue(tf.div(tf.sub(y as tf.Tensor, lo), hi - lo), 0, 1)
    })
    const pixels = (await out.data()) as Float32Array
    out.dispose()
    return {
      pixels,
      shape,
      labels,
      classOf,
      dataset,
      truncation,
      step: manifest.steps,
      ...(manifest.discriminator === undefined ? {} : { discriminator: { path: join(dir, manifest.discriminator), range: [lo, hi] } }),
    }
  } finally {
    model.dispose()
  }
}

/** Samples of an exported generator, run by gan-sdk (loaded here only: importing the trainer loads no native addon), for the classes `plan` gives. */
async function onnxSamples(path: string, count: number, truncation: number, plan: ClassPlan): Promise<Samples> {
  const { Generator } = await import('gan-sdk')
  const g = await Generator.load(path, { device: 'cpu' })
  try {
    const { width, height, channels, labels, labelInput } = g.info
    const planned = labelInput === undefined ? undefined : await plan(labels, { width, height, channels }, undefined)
    const images = await g.generateBatch(
      Array.from({ length: count }, (_, i) => i),
      { keepFloat: true, truncation, ...(planned === undefined ? {} : { label: Array.from(planned, (k) => labels[k]!) }) },
    )
    const [lo, hi] = g.info.range
    const pixels = new Float32Array(count * width * height * channels)
    images.forEach((image, n) =>
      pixels.set(
        image.float!.map((v) => Math.min(1, Math.max(0, (v - lo) / (hi - lo)))),
        n * width * height * channels,
      ),
    )
    const conditional = labelInput !== undefined
    const classOf = conditional ? Int32Array.from(images, (image) => labels.indexOf(image.label!)) : undefined
    return {
      pixels,
      shape: { width, height, channels },
      labels: conditional ? [...labels] : undefined,
      classOf,
      dataset: undefined,
      step: undefined,
      truncation,
    }
  } finally {
    await g.dispose()
  }
}

/** The dataset a run trained on, from its config.json; undefined when it cannot be rebuilt (in-memory data). */
async function runDataset(dir: string): Promise<DatasetSource | undefined> {
  let config: Partial<RunConfig>
  try {
    config = await readRunConfig(dir)
  } catch {
    // No config.json (a run of an older trainer): the caller asks for --data.
    return undefined
  }
  const kind = config.dataset?.kind
  if (kind !== undefined && isBuiltinDataset(kind)) return { kind }
  if (kind === 'folder' && typeof config.dataset?.path === 'string') return { kind, path: config.dataset.path }
  return undefined
}
