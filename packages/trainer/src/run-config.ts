import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { isBuiltinDataset, type BuiltinDataset } from './data/builtin-datasets.js'
import type { ImageDataset } from './data/dataset.js'
import { isTrainError, TrainError } from './errors.js'
import { readRunFile, writeRunFile } from './io/run-files.js'
import { RESUMABLE_OPTIONS, TRAIN_DEFAULTS, type ResolvedTrainOptions, type TrainOptions } from './options.js'

/** The resolved options of a run, relative to the run directory: what --resume trains on with. */
export const RUN_CONFIG_FILE = 'config.json'
const FORMAT = 'gan-train-config'
const VERSION = 1

/** `config.json`: every option of the run after defaults, and the dataset it loaded, fingerprinted. */
export interface RunConfig {
  format: typeof FORMAT
  version: typeof VERSION
  dataset: {
    kind: BuiltinDataset | 'folder' | 'memory'
    /** The folder, as an absolute path (folder datasets only). */
    path?: string
    name: string
    count: number
    width: number
    height: number
    channels: 1 | 3 | 4
    classes: readonly string[]
    /** SHA-256 of the loaded pixels and labels: a resumed run must see the same images. */
    sha256: string
  }
  options: Omit<TrainOptions, 'outDir' | 'dataset' | 'resume' | 'force' | 'signal' | 'onEvent'>
}

/** The config of a run with options `opts` on the loaded `data`. */
export function buildRunConfig(opts: ResolvedTrainOptions, data: ImageDataset): RunConfig {
  const source = opts.data
  return {
    format: FORMAT,
    version: VERSION,
    dataset: {
      kind: source.kind,
      ...(source.kind === 'folder' ? { path: resolve(source.path) } : {}),
      name: data.name,
      count: data.count,
      width: data.width,
      height: data.height,
      channels: data.channels,
      classes: opts.conditional ? data.classNames : [],
      sha256: datasetDigest(data),
    },
    options: {
      ...(source.kind === 'memory'
        ? {}
        : { size: opts.shape.size as 28 | 32 | 64 | 128, channels: opts.shape.channels, fit: opts.shape.fit }),
      conditional: opts.conditional,
      ...(opts.conditional ? { labelConditioning: opts.model.labelConditioning ?? TRAIN_DEFAULTS.labelConditioning } : {}),
      steps: opts.steps,
      batchSize: opts.batchSize,
      learningRate: opts.learningRate,
      discriminatorLearningRate: opts.discriminatorLearningRate,
      learningRateDecaySteps: opts.learningRateDecaySteps,
      beta1: opts.beta1,
      latentSize: opts.model.latentSize,
      generatorFilters: opts.model.generatorFilters,
      discriminatorFilters: opts.model.discriminatorFilters,
      kernelSize: opts.model.kernelSize,
      upsampling: opts.model.upsampling ?? TRAIN_DEFAULTS.upsampling,
      generatorBlocks: opts.model.generatorBlocks ?? TRAIN_DEFAULTS.generatorBlocks,
      generatorPadding: opts.model.generatorPadding ?? TRAIN_DEFAULTS.generatorPadding,
      outputFilters: opts.model.outputFilters ?? 0,
      discriminatorInputFilters: opts.model.inputFilters ?? 0,
      loss: opts.loss,
      augment: opts.augment,
      mirror: opts.mirror,
      spectralNorm: opts.model.spectralNorm ?? false,
      spectralNormProjection: opts.model.spectralNormProjection ?? false,
      pretrainedFeatures: opts.model.pretrainedFeatures ?? false,
      ...(opts.model.pretrainedFeatures
        ? {
            featureJudge: opts.model.featureJudge ?? TRAIN_DEFAULTS.featureJudge,
            featureUpsampling: opts.model.featureUpsampling ?? TRAIN_DEFAULTS.featureUpsampling,
          }
        : {}),
      classLoss: opts.classLoss,
      lecam: opts.lecam,
      reconstruction: opts.reconstruction,
      topK: opts.topK,
      blurSteps: opts.blurSteps,
      emaDecay: opts.emaDecay,
      standingStats: opts.standingStats,
      sampleEvery: opts.sampleEvery,
      checkpointEvery: opts.checkpointEvery,
      keepCheckpoints: opts.keepCheckpoints,
      logEvery: opts.logEvery,
      seed: opts.model.seed,
      backend: opts.backend,
      fastKernels: opts.fastKernels,
      workers: opts.workers,
      ...(opts.initFrom === undefined ? {} : { initFrom: opts.initFrom, initStep: opts.initStep }),
      ...(opts.name === undefined ? {} : { name: opts.name }),
      ...(opts.license === undefined ? {} : { license: opts.license }),
    },
  }
}

/** SHA-256 of a dataset's shape, pixels and labels. */
export function datasetDigest(data: ImageDataset): string {
  const hash = createHash('sha256')
  hash.update(`${data.width}x${data.height}x${data.channels}:${data.pixels instanceof Uint8Array ? 'u8' : 'f32'}:`)
  hash.update(new Uint8Array(data.pixels.buffer, data.pixels.byteOffset, data.pixels.byteLength))
  hash.update(data.labels)
  return hash.digest('hex')
}

/**
 * Write `dir/config.json` atomically.
 * @throws TrainError `ERR_WRITE` when it cannot be written.
 */
export async function writeRunConfig(dir: string, config: RunConfig): Promise<void> {
  await writeRunFile(join(dir, RUN_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`)
}

/** What {@link resumeOptions} returns: the options to train on with, and the config.json they came from. */
export interface ResumedRun {
  options: TrainOptions
  config: RunConfig
}

/**
 * The run in `input.outDir` to resume: its config.json, and the options to train on with, the
 * config's with the few that `input` may change ({@link RESUMABLE_OPTIONS}) applied. A folder run's
 * `dataset` may be given: the folder its images have moved to (they must be the same images).
 * @throws TrainError `ERR_RESUME` when config.json is missing or unreadable, or `input` sets an option the run fixes.
 */
export async function resumeOptions(input: TrainOptions): Promise<ResumedRun> {
  const path = join(input.outDir, RUN_CONFIG_FILE)
  let config: RunConfig
  try {
    config = await readRunConfig(input.outDir)
  } catch (err) {
    if (!isTrainError(err, 'ERR_RUN_CONFIG')) throw err
    const message =
      (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
        ? `${JSON.stringify(input.outDir)} has no run to resume (${RUN_CONFIG_FILE} missing): pass the directory of a run this trainer started, or start a new run without --resume.`
        : `cannot resume ${JSON.stringify(input.outDir)}: ${err.message.replace(/^\[gan-train\] /, '')}`
    throw new TrainError('ERR_RESUME', message, { cause: err })
  }
  const allowed = new Set<string>(['outDir', 'resume', 'force', 'signal', 'onEvent', 'dataset', ...RESUMABLE_OPTIONS])
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || allowed.has(key)) continue
    throw new TrainError(
      'ERR_RESUME',
      `${key} is fixed by the run being resumed (${path}); a resumed run keeps its settings: leave ${key} out (only ${RESUMABLE_OPTIONS.join(', ')} may change).`,
    )
  }
  const { dataset } = config
  let source: TrainOptions['dataset']
  if (dataset.kind === 'memory') {
    if (input.dataset === undefined || typeof input.dataset === 'string') {
      throw new TrainError(
        'ERR_RESUME',
        `the run in ${JSON.stringify(input.outDir)} trained on in-memory images ("${dataset.name}"): pass the same dataset to resume it.`,
      )
    }
    source = input.dataset
  } else {
    // A folder's images may have moved: the new path is taken, and checkSameData holds them to the run's.
    const moved = dataset.kind === 'folder' && typeof input.dataset === 'string' && !isBuiltinDataset(input.dataset)
    if (input.dataset !== undefined && !moved) {
      throw new TrainError(
        'ERR_RESUME',
        `dataset is fixed by the run being resumed (${dataset.kind === 'folder' ? dataset.path : dataset.kind}): leave it out${dataset.kind === 'folder' ? ', or pass the folder its images have moved to' : ''}.`,
      )
    }
    if (dataset.kind === 'folder' && !moved && !(await isDirectory(dataset.path!))) {
      throw new TrainError(
        'ERR_RESUME',
        `the run in ${JSON.stringify(input.outDir)} trained on the images in ${JSON.stringify(dataset.path)}, which is no folder now: if they moved, pass their new folder (gan-train <folder> --resume ${input.outDir}).`,
      )
    }
    source = dataset.kind === 'folder' ? (moved ? (input.dataset as string) : dataset.path!) : dataset.kind
  }
  const changes = Object.fromEntries(RESUMABLE_OPTIONS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]))
  const options: TrainOptions = {
    // A run started before the workers option trained in one thread: it continues so, unless told otherwise.
    workers: 1,
    ...config.options,
    ...changes,
    dataset: source,
    outDir: input.outDir,
    resume: true,
    signal: input.signal,
    onEvent: input.onEvent,
  }
  return { options, config }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false
}

/**
 * Check that a resumed run loaded the images it trained on, with the same class names (a renamed
 * sub-folder would silently rename a class the model has learned).
 * @throws TrainError `ERR_RESUME` when they differ.
 */
export function checkSameData(config: RunConfig, saved: RunConfig): void {
  if (config.dataset.sha256 !== saved.dataset.sha256) {
    throw new TrainError(
      'ERR_RESUME',
      `the images of "${saved.dataset.name}" changed since the run started (${saved.dataset.count} images then, ${config.dataset.count} now, different content): a resumed run must see the same images; restore them, or start a new run.`,
    )
  }
  if (JSON.stringify(config.dataset.classes) !== JSON.stringify(saved.dataset.classes)) {
    throw new TrainError(
      'ERR_RESUME',
      `the classes of "${saved.dataset.name}" changed since the run started (${JSON.stringify(saved.dataset.classes)} then, ${JSON.stringify(config.dataset.classes)} now): the model's class k is the run's k-th name; restore the names, or start a new run.`,
    )
  }
}

/**
 * Check a resumed run's new schedule against the step of its last checkpoint (`gan.json`'s `steps`),
 * before the images and the backend load: the total must be larger, and a learning-rate decay that
 * changed must start after the checkpoint, or already have been the decay the run was in (a new one
 * reaching back over trained steps would drop the rate at once).
 * @throws TrainError `ERR_RESUME` naming a total or the largest decay that fits.
 */
export function checkResumeSchedule(
  { outDir, steps, learningRateDecaySteps: decay }: Pick<ResolvedTrainOptions, 'outDir' | 'steps' | 'learningRateDecaySteps'>,
  saved: RunConfig,
  startStep: number,
): void {
  if (startStep >= steps) {
    throw new TrainError(
      'ERR_RESUME',
      `the run in ${JSON.stringify(outDir)} has trained ${startStep} steps already, and steps is ${steps}: pass a larger total, e.g. --steps ${startStep + steps}.`,
    )
  }
  const unchanged = saved.options.steps === steps && (saved.options.learningRateDecaySteps ?? 0) === decay
  if (decay === 0 || unchanged || steps - decay >= startStep) return
  throw new TrainError(
    'ERR_RESUME',
    `a decay over the last ${decay} of ${steps} steps would start at step ${steps - decay + 1}, before the checkpoint at step ${startStep}, which trained on another schedule: use at most --lr-decay-steps ${steps - startStep}, or a larger --steps.`,
  )
}

/**
 * The config.json of the run in `dir`, as written.
 * @throws TrainError `ERR_RUN_CONFIG` when it is missing or unreadable (`cause`: the fs error), not
 *   JSON, or not a gan-train config of this version.
 */
export async function readRunConfig(dir: string): Promise<RunConfig> {
  const path = join(dir, RUN_CONFIG_FILE)
  const text = await readRunFile(path, 'ERR_RUN_CONFIG')
  let config: RunConfig
  try {
    config = JSON.parse(text) as RunConfig
  } catch (err) {
    throw new TrainError(
      'ERR_RUN_CONFIG',
      `${JSON.stringify(path)} is not JSON (${(err as Error).message}): it was not written by gan-train, or was cut short.`,
      {
        cause: err,
      },
    )
  }
  if (config?.format !== FORMAT || config.version !== VERSION) {
    throw new TrainError(
      'ERR_RUN_CONFIG',
      `${JSON.stringify(path)} is not a gan-train ${FORMAT} version ${VERSION}: this trainer cannot read it.`,
    )
  }
  return config
}
