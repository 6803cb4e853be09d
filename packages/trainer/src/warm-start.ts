import type * as tfl from '@tensorflow/tfjs-layers'
import { describeValue, isGanError, runManifestAtStep } from 'gan-sdk/core'
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { CHECKPOINTS_DIR, readCheckpoint, type TrainingState } from './checkpoint.js'
import { isTrainError, TrainError } from './errors.js'
import { FEATURES_PREFIX, isFeatureBranchWeight } from './models/pretrained-features.js'
import { flagOf } from './option-flags.js'
import { TRAIN_DEFAULTS, type TrainOptions } from './options.js'
import { readRunConfig, type RunConfig } from './run-config.js'
import { readRunManifest } from './run-manifest.js'

/** The checkpoint a warm-started run (`initFrom`) begins from. */
export interface WarmStart {
  /** The run's directory, absolute. */
  run: string
  /** The checkpoint's step. */
  step: number
  /** The run's config.json. */
  config: RunConfig
}

/**
 * The checkpoint of the run in `run` to start from: of `step`, which the run must keep, or its last.
 * Reads the run's config.json and gan.json only.
 * @throws TrainError `ERR_INVALID_OPTION` when `run` is `outDir` (which the new run would
 *   overwrite), holds no run of this trainer, or does not keep `step`.
 */
export async function locateWarmStart(run: string, step: number | undefined, outDir: string): Promise<WarmStart> {
  if (resolve(run) === resolve(outDir)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `initFrom ${describeValue(run)} is this run's own directory, which the new run would overwrite: pass another outDir (--out), or continue that run with --resume.`,
    )
  }
  const notRun = (err: unknown): never => {
    if (!isTrainError(err, 'ERR_RUN_CONFIG') && !isTrainError(err, 'ERR_RUN_MANIFEST')) throw err
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `initFrom ${describeValue(run)} is not a run to start from (${err.message.replace(/^\[gan-train\] /, '')}): pass the directory of a run gan-train wrote, which holds config.json and gan.json.`,
      { cause: err },
    )
  }
  const config = await readRunConfig(run).catch(notRun)
  const manifest = await readRunManifest(run).catch(notRun)
  if (step !== undefined && step !== manifest.steps) {
    const folders = await readdir(join(run, CHECKPOINTS_DIR)).catch(() => [] as string[])
    try {
      runManifestAtStep(manifest, step, { where: describeValue(run), folders })
    } catch (err) {
      if (!isGanError(err, 'ERR_INVALID_OPTION')) throw err
      throw new TrainError('ERR_INVALID_OPTION', `initStep: ${err.detail}`, { cause: err })
    }
  }
  const at = step ?? manifest.steps ?? notRun(new TrainError('ERR_RUN_MANIFEST', 'its gan.json records no steps'))
  return { run: resolve(run), step: at, config }
}

/** What shapes the models, as config.json records it, and the defaults of configs written before an option existed. */
export const ARCHITECTURE = [
  ['latentSize', TRAIN_DEFAULTS.latentSize],
  ['generatorFilters', undefined],
  ['discriminatorFilters', undefined],
  ['kernelSize', TRAIN_DEFAULTS.kernelSize],
  ['upsampling', TRAIN_DEFAULTS.upsampling],
  ['generatorBlocks', TRAIN_DEFAULTS.generatorBlocks],
  ['generatorPadding', TRAIN_DEFAULTS.generatorPadding],
  ['outputFilters', TRAIN_DEFAULTS.outputFilters],
  ['discriminatorInputFilters', TRAIN_DEFAULTS.discriminatorInputFilters],
  ['labelConditioning', TRAIN_DEFAULTS.labelConditioning],
  ['spectralNorm', TRAIN_DEFAULTS.spectralNorm],
  ['spectralNormProjection', TRAIN_DEFAULTS.spectralNormProjection],
] as const

/**
 * Check that a run configured as `config` can start from `from`: the same image shape and class
 * count, the same model options, and the same discriminator heads (`classLoss`, `reconstruction`),
 * all but `pretrainedFeatures` (and its `featureJudge`).
 * @throws TrainError `ERR_INVALID_OPTION` naming the first difference and the value to pass.
 */
export function checkWarmStart(config: RunConfig, from: WarmStart): void {
  const refuse = (theirs: string, ours: string, fix: string): never => {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `initFrom: the run in ${describeValue(from.run)} has ${theirs}, this run ${ours}: a warm start keeps the models' shapes (all but pretrainedFeatures); ${fix}. That run's config.json lists its options.`,
    )
  }
  const shape = (c: RunConfig) => `${c.dataset.width}×${c.dataset.height}×${c.dataset.channels}`
  if (shape(from.config) !== shape(config)) {
    refuse(`images of ${shape(from.config)}`, shape(config), 'train at its size and channels')
  }
  const classes = (c: RunConfig) => `${c.dataset.classes.length} classes`
  if (classes(from.config) !== classes(config)) {
    refuse(classes(from.config), classes(config), 'train on as many classes (conditional, or not, as it was)')
  }
  for (const [key, fallback] of ARCHITECTURE) {
    if (key === 'labelConditioning' && !config.options.conditional) continue
    const theirs = `${key} ${JSON.stringify(from.config.options[key] ?? fallback)}`
    const ours = JSON.stringify(config.options[key] ?? fallback)
    if (theirs !== `${key} ${ours}`) refuse(theirs, ours, passValue(key, from.config.options[key] ?? fallback))
  }
  for (const key of ['classLoss', 'reconstruction'] as const) {
    const weight = (c: RunConfig) => c.options[key] ?? 0
    if (weight(from.config) > 0 !== weight(config) > 0) {
      refuse(
        `${key} ${weight(from.config)}`,
        String(weight(config)),
        weight(from.config) > 0 ? `pass a ${key} above 0 (--${flagOf(key)})` : `leave ${key} (--${flagOf(key)}) out`,
      )
    }
  }
}

/** How to set `key` to `value`, as a flag and as an option of train(). */
function passValue(key: keyof TrainOptions, value: unknown): string {
  const api = `${key}: ${JSON.stringify(value)}`
  if (value === false) return `leave --${flagOf(key)} out (${api})`
  if (value === true) return `add --${flagOf(key)} (${api})`
  return `pass --${flagOf(key)} ${Array.isArray(value) ? value.join(',') : String(value)} (${api})`
}

/**
 * Copy the weights of `from`'s checkpoint into `to`'s freshly built models (the live generator, the
 * weight average, the discriminator: less the feature branch, pretrained-features.ts, unless both
 * have the same judge), then free the checkpoint. The models were checked alike
 * ({@link checkWarmStart}); a weight of another shape still stops here.
 * @throws TrainError `ERR_CHECKPOINT` when a model's weights do not line up; those of reading a checkpoint.
 */
export async function applyWarmStart(
  from: WarmStart,
  to: Pick<TrainingState, 'generator' | 'liveGenerator' | 'discriminator'>,
): Promise<void> {
  const checkpoint = await readCheckpoint(from.run, from.step)
  try {
    const where = `${describeValue(from.run)} at step ${from.step}`
    copyWeights(checkpoint.liveGenerator, to.liveGenerator, `the generator of ${where}`)
    copyWeights(checkpoint.generator, to.generator, `the generator's weight average of ${where}`)
    // The feature judge goes with the rest when both have the same one (by its layers); otherwise only D's own weights are copied.
    const judge = (model: tfl.LayersModel) =>
      model.layers
        .map((l) => l.name)
        .filter((name) => name.startsWith(FEATURES_PREFIX))
        .sort()
        .join()
    const own = judge(checkpoint.discriminator) === judge(to.discriminator) ? undefined : (name: string) => !isFeatureBranchWeight(name)
    copyWeights(checkpoint.discriminator, to.discriminator, `the discriminator of ${where}`, own)
  } finally {
    checkpoint.dispose()
    for (const model of [checkpoint.generator, checkpoint.liveGenerator, checkpoint.discriminator]) model.dispose()
  }
}

/** Assign `from`'s weights (those `keep` names) to `to`'s, in order. */
function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel, what: string, keep: (name: string) => boolean = () => true): void {
  const source = from.weights.filter((w) => keep(w.name))
  const target = to.weights.filter((w) => keep(w.name))
  const detail = mismatch(source, target)
  if (detail !== undefined) {
    throw new TrainError(
      'ERR_CHECKPOINT',
      `${what} does not fit this run's (${detail}): its files differ from what its config.json describes; start from another checkpoint.`,
    )
  }
  target.forEach((w, i) => w.write(source[i]!.read()))
}

/** How two lists of weights fail to line up (their count, or the first shape that differs), or undefined when they do. */
function mismatch(source: tfl.LayerVariable[], target: tfl.LayerVariable[]): string | undefined {
  if (source.length !== target.length) return `${source.length} weights there, ${target.length} here`
  const i = source.findIndex((w, k) => String(w.shape) !== String(target[k]!.shape))
  return i === -1 ? undefined : `weight ${i + 1} is [${source[i]!.shape.join(', ')}] there, [${target[i]!.shape.join(', ')}] here`
}
