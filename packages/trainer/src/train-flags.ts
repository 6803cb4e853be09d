import { basename, posix, resolve } from 'node:path'
import { describeValue } from 'gan-sdk/core'
import { plainNumber } from '@gan-sdk/internal'
import { AUGMENT_POLICIES, WHOLE_POLICIES, type AugmentPolicy } from './augment/diff-augment.js'
import { BACKEND_NAMES, type BackendPreference } from './backend/ladder.js'
import { FITS, type Fit } from './data/decode-image.js'
import { TrainError } from './errors.js'
import { FLAG_OF, NUMBER_FLAGS, type NumberFlag } from './option-flags.js'
import { LOSS_NAMES, type LossName } from './losses.js'
import { IMAGE_SIZES, type ImageSize } from './models/architecture.js'
import { FEATURE_JUDGES, type FeatureJudge } from './models/pretrained-features.js'
import {
  GENERATOR_BLOCKS,
  GENERATOR_PADDINGS,
  LABEL_CONDITIONINGS,
  UPSAMPLINGS,
  type GeneratorBlocks,
  type GeneratorPadding,
  type LabelConditioning,
  type Upsampling,
} from './models/dcgan.js'
import {
  BUILTIN_DATASETS,
  INIT_STEP,
  NUMBER_OPTIONS,
  RESUMABLE_OPTIONS,
  TRAIN_DEFAULTS,
  WORKERS_RULE,
  numberDefault,
  type NumberOption,
  type TrainOptions,
} from './options.js'

/** The flags of `gan-train` (training), for parseFlags: one per option of train(). */
export const TRAIN_FLAGS = {
  out: { type: 'string' },
  size: { type: 'string' },
  channels: { type: 'string' },
  fit: { type: 'string' },
  conditional: { type: 'boolean' },
  'label-conditioning': { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  'd-lr': { type: 'string' },
  'lr-decay-steps': { type: 'string' },
  beta1: { type: 'string' },
  'latent-size': { type: 'string' },
  'generator-filters': { type: 'string' },
  'discriminator-filters': { type: 'string' },
  'kernel-size': { type: 'string' },
  upsampling: { type: 'string' },
  'generator-blocks': { type: 'string' },
  'generator-padding': { type: 'string' },
  'output-filters': { type: 'string' },
  'discriminator-input-filters': { type: 'string' },
  loss: { type: 'string' },
  augment: { type: 'string' },
  mirror: { type: 'boolean' },
  'spectral-norm': { type: 'boolean' },
  'spectral-norm-projection': { type: 'boolean' },
  'pretrained-features': { type: 'boolean' },
  'feature-judge': { type: 'string' },
  ema: { type: 'string' },
  'standing-stats': { type: 'string' },
  'class-loss': { type: 'string' },
  lecam: { type: 'string' },
  reconstruction: { type: 'string' },
  'top-k': { type: 'string' },
  'blur-steps': { type: 'string' },
  'feature-upsampling': { type: 'string' },
  seed: { type: 'string' },
  'sample-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'keep-checkpoints': { type: 'string' },
  'log-every': { type: 'string' },
  backend: { type: 'string' },
  // parseArgs has no negation: the flag itself is the boolean.
  'no-fast-kernels': { type: 'boolean' },
  workers: { type: 'string' },
  name: { type: 'string' },
  license: { type: 'string' },
  'init-from': { type: 'string' },
  'init-step': { type: 'string' },
  resume: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const

type TextFlag = 'out' | 'name' | 'license' | 'resume' | 'init-from'

/** The flags of `gan-train`, as typed: values stay strings until {@link resolveTrainCommandOptions} reads them. */
export type TrainCommandFlags = Partial<
  Record<
    | NumberFlag
    | TextFlag
    | 'size'
    | 'channels'
    | 'fit'
    | 'generator-filters'
    | 'discriminator-filters'
    | 'loss'
    | 'label-conditioning'
    | 'feature-judge'
    | 'upsampling'
    | 'generator-blocks'
    | 'generator-padding'
    | 'augment'
    | 'backend'
    | 'workers'
    | 'init-step',
    string
  >
> & {
  conditional?: boolean
  mirror?: boolean
  'spectral-norm'?: boolean
  'spectral-norm-projection'?: boolean
  'pretrained-features'?: boolean
  'no-fast-kernels'?: boolean
  force?: boolean
}

/** Where a run goes when --out is left out: `runs/<dataset>`, a folder's own name for a folder (`./photos` → runs/photos). */
export function defaultOut(dataset: string): string {
  const name = (BUILTIN_DATASETS as readonly string[]).includes(dataset) ? dataset : basename(resolve(dataset))
  return posix.join('runs', name === '' ? 'folder' : name) // '' for a root (`/`, `C:\`)
}

/**
 * Flags (raw strings, as typed) and the dataset argument → the options of train(), less `signal`
 * and `onEvent`, which the command adds. Numbers are read here, not by a generic flag parser, so
 * `--steps 1e3` or `--name 007` mean what was typed; flags left out take train()'s defaults.
 * `--resume <run>` continues that run: it is the output directory; a dataset given beside it is the
 * folder a folder run's images have moved to (train() refuses any other).
 * @throws TrainError `ERR_INVALID_OPTION` naming the flag and quoting its value as typed.
 */
export function resolveTrainCommandOptions(flags: TrainCommandFlags, dataset?: string): TrainOptions {
  const resume = text(flags, 'resume', 'the directory of the run to continue')
  const out = text(flags, 'out', 'a directory path')
  if (resume !== undefined && out !== undefined) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--resume ${describeValue(resume)} continues that run in its own directory: leave out --out.`,
    )
  }
  const options: TrainOptions =
    resume !== undefined
      ? { outDir: resume, resume: true, ...(dataset !== undefined ? { dataset } : {}) }
      : { outDir: out ?? defaultOut(dataset ?? TRAIN_DEFAULTS.dataset), dataset: dataset ?? TRAIN_DEFAULTS.dataset }
  for (const [flag, key] of Object.entries(NUMBER_FLAGS) as Array<[NumberFlag, NumberOption]>) {
    const raw = flags[flag]
    if (raw !== undefined) options[key] = parseNumber(flag, raw)
  }
  if (flags.size !== undefined) options.size = Number(choice('size', flags.size, IMAGE_SIZES.map(String))) as ImageSize
  if (flags.channels !== undefined) options.channels = Number(choice('channels', flags.channels, ['1', '3', '4'])) as 1 | 3 | 4
  if (flags.fit !== undefined) options.fit = choice('fit', flags.fit, FITS) as Fit
  if (flags.loss !== undefined) options.loss = choice('loss', flags.loss, LOSS_NAMES) as LossName
  if (flags['label-conditioning'] !== undefined)
    options.labelConditioning = choice('label-conditioning', flags['label-conditioning'], LABEL_CONDITIONINGS) as LabelConditioning
  if (flags.upsampling !== undefined) options.upsampling = choice('upsampling', flags.upsampling, UPSAMPLINGS) as Upsampling
  if (flags['generator-blocks'] !== undefined)
    options.generatorBlocks = choice('generator-blocks', flags['generator-blocks'], GENERATOR_BLOCKS) as GeneratorBlocks
  if (flags['feature-judge'] !== undefined)
    options.featureJudge = choice('feature-judge', flags['feature-judge'], FEATURE_JUDGES) as FeatureJudge
  if (flags['generator-padding'] !== undefined)
    options.generatorPadding = choice('generator-padding', flags['generator-padding'], GENERATOR_PADDINGS) as GeneratorPadding
  if (flags.backend !== undefined) options.backend = choice('backend', flags.backend, ['auto', ...BACKEND_NAMES]) as BackendPreference
  if (flags.augment !== undefined) options.augment = parseAugment(flags.augment)
  if (flags.workers !== undefined) options.workers = parseWorkers(flags.workers)
  for (const [flag, key] of [
    ['generator-filters', 'generatorFilters'],
    ['discriminator-filters', 'discriminatorFilters'],
  ] as const) {
    const raw = flags[flag]
    if (raw !== undefined) options[key] = parseFilters(flag, raw, TRAIN_DEFAULTS[key])
  }
  if (flags.conditional) options.conditional = true
  if (flags.mirror) options.mirror = true
  if (flags['spectral-norm']) options.spectralNorm = true
  if (flags['spectral-norm-projection']) options.spectralNormProjection = true
  if (flags['pretrained-features']) options.pretrainedFeatures = true
  if (flags['no-fast-kernels']) options.fastKernels = false
  if (flags.force) options.force = true
  const name = text(flags, 'name', 'a model name')
  if (name !== undefined) options.name = name
  const license = text(flags, 'license', 'an SPDX licence identifier such as MIT')
  if (license !== undefined) options.license = license
  const initFrom = text(flags, 'init-from', 'the directory of the run to start from')
  if (initFrom !== undefined) options.initFrom = initFrom
  if (flags['init-step'] !== undefined) options.initStep = parseInitStep(flags['init-step'])
  if (resume !== undefined) refuseFixedFlags(options, resume)
  if (options.initStep !== undefined && initFrom === undefined) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      '--init-step picks a checkpoint of the run --init-from names: add --init-from <run>, or leave --init-step out.',
    )
  }
  return options
}

/** train() refuses options that a resumed run fixes, by their option names: the command line refuses them by its flags, earlier. */
function refuseFixedFlags(options: TrainOptions, resume: string): void {
  const resumable = new Set<string>(RESUMABLE_OPTIONS)
  const fixed = (Object.keys(options) as Array<keyof TrainOptions>).find((key) => FLAG_OF[key] !== undefined && !resumable.has(key))
  if (fixed === undefined) return
  throw new TrainError(
    'ERR_INVALID_OPTION',
    `--${FLAG_OF[fixed]} is fixed by the run that --resume ${describeValue(resume)} continues (its config.json): leave it out (only ${RESUMABLE_OPTIONS.map((key) => `--${FLAG_OF[key]}`).join(', ')} may change).`,
  )
}

/** A string flag's value. An empty one is refused here, by its flag name, rather than later by its option name. */
function text(flags: TrainCommandFlags, flag: TextFlag, expected: string): string | undefined {
  const raw = flags[flag]
  if (raw === '') throw new TrainError('ERR_INVALID_OPTION', `--${flag} "" is empty: pass ${expected}, or leave the flag out.`)
  return raw
}

/** `raw` when it is one of `choices`, else the error naming the flag and the choices. */
export function choice(flag: string, raw: string, choices: readonly string[]): string {
  if (!choices.includes(raw)) {
    throw new TrainError('ERR_INVALID_OPTION', `--${flag} ${describeValue(raw)} is invalid: use one of ${choices.join(', ')}.`)
  }
  return raw
}

/** Digits only for integer options; plain decimals (`0.5`, `.5`, `2e-4`) for the others. */
function parseNumber(flag: NumberFlag, raw: string): number {
  const key = NUMBER_FLAGS[flag]
  const rule = NUMBER_OPTIONS[key]
  const value = plainNumber(raw, rule.integer)
  if (!rule.accepts(value)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--${flag} ${describeValue(raw)} is invalid: pass ${rule.expected}, e.g. --${flag} ${numberDefault(key)}.`,
    )
  }
  return value
}

function parseInitStep(raw: string): number {
  const value = plainNumber(raw, true)
  if (!INIT_STEP.accepts(value)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--init-step ${describeValue(raw)} is invalid: pass the step of a kept checkpoint of the run --init-from names, e.g. --init-step 4000.`,
    )
  }
  return value
}

function parseWorkers(raw: string): number | 'auto' {
  if (raw === 'auto') return raw
  const value = plainNumber(raw, true)
  if (!WORKERS_RULE.accepts(value)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--workers ${describeValue(raw)} is invalid: pass auto or ${WORKERS_RULE.expected}, e.g. --workers 2.`,
    )
  }
  return value
}

function parseFilters(flag: string, raw: string, example: readonly number[]): number[] {
  const parts = raw.split(',').map((part) => part.trim())
  if (!parts.every((part) => /^\d+$/.test(part) && Number(part) > 0)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--${flag} ${describeValue(raw)} is invalid: pass positive integers separated by commas, e.g. --${flag} ${example.join(',')}.`,
    )
  }
  return parts.map(Number)
}

function parseAugment(raw: string): AugmentPolicy[] {
  const parts = raw.split(',').map((part) => part.trim())
  if (!parts.every((p) => AUGMENT_POLICIES.includes(p as AugmentPolicy)) || new Set(parts).size !== parts.length) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--augment ${describeValue(raw)} is invalid: pass distinct policies out of ${AUGMENT_POLICIES.join(', ')} separated by commas, e.g. --augment ${WHOLE_POLICIES.join(',')}.`,
    )
  }
  return parts as AugmentPolicy[]
}
