import { describeValue } from 'gan-sdk/core'
import { AUGMENT_POLICIES, COLOR_PARTS, type AugmentPolicy } from './augment/diff-augment.js'
import { BACKEND_NAMES, type BackendPreference } from './backend/ladder.js'
import type { BuiltinDataset } from './data/builtin-datasets.js'
import { checkDataset, type ImageDataset } from './data/dataset.js'
import { FITS, type Fit, type ImageShape } from './data/decode-image.js'
import { namedDatasetSource, type DatasetSource } from './data/load-dataset.js'
import { TrainError } from './errors.js'
import type { TrainEvent } from './events.js'
import { LOSS_NAMES, type LossName } from './losses.js'
import { defaultFilters, IMAGE_SIZES, type ImageSize } from './models/architecture.js'
import { FEATURE_JUDGES, type FeatureJudge } from './models/pretrained-features.js'
import {
  GENERATOR_BLOCKS,
  GENERATOR_PADDINGS,
  LABEL_CONDITIONINGS,
  UPSAMPLINGS,
  type DcganConfig,
  type GeneratorBlocks,
  type GeneratorPadding,
  type LabelConditioning,
  type Upsampling,
} from './models/dcgan.js'

export { BUILTIN_DATASETS, type BuiltinDataset } from './data/builtin-datasets.js'

/** Options of {@link train}. Only `outDir` is required. */
export interface TrainOptions {
  /** Directory for checkpoints, samples, `metrics.jsonl`, `config.json` and `gan.json`. */
  outDir: string
  /**
   * `mnist` (28×28 grey digits), `emoji` (about 1,900 Twemoji, 32×32 RGBA by default; training uses four in five, the rest are held out for `evaluate`;
   * classes: their 9 categories), `emoji-subcategories` (the same images, classes: their 98 subcategories such as
   * `face-smiling` or `country-flag`), the path of a folder of
   * PNG/JPEG/WebP images (read recursively), or images already in memory. @default 'mnist'
   */
  dataset?: BuiltinDataset | string | ImageDataset
  /** Width and height the images are scaled to, and so the generator's output. @default 28 for mnist, 32 for emoji, 64 for a folder */
  size?: ImageSize
  /** 1 grey, 3 RGB, 4 RGBA. @default 1 for mnist, 4 for emoji, 3 for a folder */
  channels?: 1 | 3 | 4
  /** How images that are not square become square: `crop` the centre, or `pad` the whole image. @default 'crop' */
  fit?: Fit
  /**
   * Train a class-conditional pair: classes are the dataset's (mnist digits, emoji categories, a
   * folder's sub-folders), written to gan.json as `labels`. @default false
   */
  conditional?: boolean
  /**
   * With `conditional`: how the generator takes the class, `multiply` (an embedding scales the
   * latent), `concat` (appended to it) or `batchnorm` (each batch norm's scale and shift per class). @default 'multiply'
   */
  labelConditioning?: LabelConditioning
  /** Optimiser steps (one discriminator + one generator update each): the total, also when resuming. @default 3000 */
  steps?: number
  /** Real images per step (and fakes per step); at most the dataset's size. @default 64 */
  batchSize?: number
  /** Adam learning rate of the generator, and of the discriminator unless `discriminatorLearningRate` is given. @default 2e-4 */
  learningRate?: number
  /**
   * Adam learning rate of the discriminator, when it should differ from the generator's: a two
   * time-scale update rule (TTUR, Heusel et al. 2017), e.g. 4e-4 against 1e-4 as SAGAN and BigGAN
   * train. @default `learningRate`
   */
  discriminatorLearningRate?: number
  /**
   * Anneal the end of the run: both learning rates fall on a line from their full values at this many
   * steps from the end to 0 one step after the last. May be given when resuming, to anneal a run
   * that trained at a constant rate, as long as the decay starts after the checkpoint; the decay
   * always ends with the run, so a larger `steps` moves it, raising the rate again. At most `steps`.
   * @default 0 (constant)
   */
  learningRateDecaySteps?: number
  /** Adam β1; 0.5 keeps GAN training stable (Radford et al.); 0, no momentum, is SNGAN's and BigGAN's with the hinge loss. @default 0.5 */
  beta1?: number
  /** Length of the latent vector. @default 100 */
  latentSize?: number
  /** One entry per ×2 upsampling stage. @default [128, 64] up to size 32, [256, 128, 64] at 64, [256, 128, 64, 32] at 128 */
  generatorFilters?: readonly number[]
  /** One entry per stride-2 conv. @default [64, 128] up to size 32, [64, 128, 256] at 64, [32, 64, 128, 256] at 128 */
  discriminatorFilters?: readonly number[]
  /** @default 4 */
  kernelSize?: number
  /**
   * How the generator upsamples: `transposed` (stride-2 transposed convolutions, DCGAN's) or
   * `nearest` (nearest-neighbour ×2, then a 3×3 convolution: no pixel-pair pattern built in; at
   * kernel size 4, 2.25 times the multiply-adds per stage). @default 'transposed'
   */
  upsampling?: Upsampling
  /**
   * The generator's ×2 stages: `plain` (upsampling, BN, LeakyReLU: DCGAN's) or `residual` (a
   * pre-activation residual block each, SNGAN's ResNet generator, ending in a 3×3 convolution at
   * full resolution on `outputFilters` maps, or the last generator filter's count; at 32×32 about
   * three times the generator's multiply-adds with `outputFilters` 64, eight times without). @default 'plain'
   */
  generatorBlocks?: GeneratorBlocks
  /**
   * What the generator's convolutions pad with: `zeros` (TF.js's `same` padding) or `reflect` (the
   * feature maps mirrored, as CycleGAN's generators pad, so the border is no signal to draw
   * fixed-position marks from; same weights). The discriminator always pads with zeros. @default 'zeros'
   */
  generatorPadding?: GeneratorPadding
  /**
   * Feature maps of the generator's last ×2 upsampling when a 3×3 convolution at full resolution
   * makes the image from them (SNGAN's DCGAN generator): more capacity where edges are drawn (64 at
   * 32×32 trained about as fast as none). 0 = the last upsampling makes the image, as in DCGAN
   * (with `generatorBlocks: 'residual'` the output convolution is always there, and 0 makes the last
   * block as wide as the last generator filter). @default 0
   */
  outputFilters?: number
  /**
   * Feature maps of a 3×3 stride-1 convolution at full resolution that starts the discriminator
   * (SNGAN's discriminator starts so), so it judges pixel-level detail before downsampling.
   * 0 = the first convolution strides, as in DCGAN. @default 0
   */
  discriminatorInputFilters?: number
  /** `ns` (non-saturating) or `hinge`. @default 'ns' */
  loss?: LossName
  /**
   * DiffAugment policies for the discriminator's inputs; helps small datasets. `color` is
   * `brightness`, `saturation` and `contrast` together; list parts to leave one out. @default []
   */
  augment?: readonly AugmentPolicy[]
  /**
   * Also train on every image flipped left to right (StyleGAN's `--mirror`): an epoch shows each
   * image once as it is and once mirrored, so a small dataset doubles. The generator learns both
   * orientations, so leave it off for images whose meaning has a side (text, flags, digits). @default false
   */
  mirror?: boolean
  /** Spectral normalisation of the discriminator's layers. @default false */
  spectralNorm?: boolean
  /**
   * With `spectralNorm` and `conditional`: normalise the projection discriminator's class embedding
   * too, as SNGAN-projection (Miyato & Koyama 2018) and BigGAN do. Without it the label term's
   * weights are free while the rest of D is held to a Lipschitz bound, so D can lean on "is this
   * the class's look" more than on "is this real". @default false
   */
  spectralNormProjection?: boolean
  /**
   * Give the discriminator a second judge on features learnt elsewhere, for datasets too small for
   * D to learn what images look like from them alone (Projected GAN, Sauer et al. 2021;
   * Vision-aided GAN, Kumari et al. 2022): the images, composited over white, through the first six
   * blocks of a frozen MobileNetV2 (nsfwjs's, MIT, shipped with the trainer), each map's mean at
   * three of its depths, and their own linear logit and projection term, added to D's times a
   * trainable gain that starts at 0 (so D starts as without them). The frozen network takes no
   * gradient step; it costs time each step, on real and generated images. @default false
   */
  pretrainedFeatures?: boolean
  /**
   * How the discriminator judges the pretrained features (needs `pretrainedFeatures`): `linear`, as
   * above; `projected`, as Projected GAN's discriminator (Sauer et al. 2021): each of the three
   * maps through a fixed random 1×1 projection of its channels, mixed with the deeper maps
   * (upsampled, through another), and judged by a small convolutional head with its own logit and
   * projection term, the three verdicts added to D's from the first step. Pair it with `blurSteps`,
   * as Projected GAN does. @default 'linear'
   */
  featureJudge?: FeatureJudge
  /**
   * Enlarge the images this many times (bilinear) before the frozen network of
   * `pretrainedFeatures`, nearer the 224 pixels it was trained at, as StyleGAN-XL feeds 32-pixel
   * images to its frozen networks at 224: 2 shows it 64×64 emoji (and slows the emoji recipe with
   * the projected judge from 28–31 to 17–20 images/s on 2 cores). @default 1
   */
  featureUpsampling?: number
  /**
   * Weight of an auxiliary class loss, for conditional runs (AC-GAN, Odena et al. 2017): the
   * discriminator gains a classifier head trained with cross-entropy on real images, and the
   * generator is trained to make that classifier read each fake as the class it asked for, on top
   * of the projection discriminator's label term. Ties images to their labels more tightly, at some
   * cost in diversity. 0 = no classifier. @default 0
   */
  classLoss?: number
  /**
   * Weight of the LeCam penalty in the discriminator's loss (Tseng et al. 2021, for GANs trained
   * on little data): D is penalised where its outputs on real images rise above the moving average
   * of its outputs on fakes, and on fakes fall below that of real images (decay 0.99; from the
   * second step, the first having no averages yet), which keeps it from memorising the training
   * images. The paper trains with 0.3 beside DiffAugment. 0 = none. @default 0
   */
  lecam?: number
  /**
   * Weight of a self-supervised reconstruction loss in the discriminator's loss, for small datasets
   * (FastGAN, Liu et al. 2021): D gains a decoder that rebuilds each real image it judges from the
   * feature maps of its last strided convolution, and D minimises the mean squared error of that
   * rebuild (pixels in [−1, 1]) beside the GAN loss, so its features must describe the whole image,
   * not only what tells real from fake. The generator's loss and the exported generator are
   * unchanged; the decoder costs time each step (on real images only) and is saved with the
   * discriminator, whose export (`gan-export --discriminator`) leaves it out. 0 = none. @default 0
   */
  reconstruction?: number
  /**
   * Top-k generator updates (Sinha et al. 2020): the least share of each batch's fakes the
   * generator learns from. G's adversarial loss counts only the fakes the discriminator scores
   * highest, all of them at first and 0.99 times as many each epoch (a pass over the training
   * images) down to this share; the paper uses 0.5 to 0.75. With `workers`, each thread keeps its
   * share of its own rows of the batch. The discriminator's update is unchanged. 1 = every fake. @default 1
   */
  topK?: number
  /**
   * Blur every image the discriminator sees (real and generated, before augmentation) for the
   * first this many steps, as Projected GAN does (Sauer et al. 2021): a Gaussian of σ = 1 pixel at
   * step 0, falling linearly to none at this step, so that the generator learns shapes before
   * detail. Counted from the run's own step 0, as `steps` is. 0 = no blur. @default 0
   */
  blurSteps?: number
  /**
   * Decay of the exponential moving average of the generator's weights that is sampled, saved and
   * exported; averaging smooths the oscillation of adversarial training (Yazıcı et al. 2019).
   * 0 exports the raw generator. @default 0.999
   */
  emaDecay?: number
  /**
   * Batches of generated images (of `batchSize` each) on which the exported generator's BatchNorm
   * statistics are re-estimated before every sample grid and checkpoint ("standing statistics", as
   * BigGAN): training leaves moving averages of the trained generator's batches, which are not the
   * weight average's own. 0 keeps the moving averages. May be changed when resuming: it does not
   * change training. Off by default: measured on the shipped recipes it traded precision for
   * recall on emoji and changed nothing on MNIST (packages/trainer/README.md). @default 0
   */
  standingStats?: number
  /** Write a fixed-latent sample grid every this many steps (and at the end). @default 500 */
  sampleEvery?: number
  /** Save checkpoints every this many steps (and at the end). @default 1000 */
  checkpointEvery?: number
  /**
   * How many of the newest checkpoints stay in `checkpoints/`, to export or score an earlier one
   * (`gan-train eval` and `gan-export` take a run's `--step`); 0 keeps every one. @default 1
   */
  keepCheckpoints?: number
  /** Emit a `step` event and a `metrics.jsonl` line every this many steps. @default 50 */
  logEvery?: number
  /** Seed of initialisers, data order, latents and augmentations. @default 1 */
  seed?: number
  /** TF.js backend; `auto` tries tfjs-node-gpu → tfjs-node → wasm. @default 'auto' */
  backend?: BackendPreference
  /** On wasm, run convolutions on ONNX Runtime's kernels and Conv2DBackpropInput as the faster sub-pixel kernel. @default true */
  fastKernels?: boolean
  /**
   * Replicas that train each step's batch in parallel, this thread included: each computes the
   * gradients of its share of the batch in a worker thread, and one summed update is applied to all.
   * `auto` is one per core on the one-thread backends (wasm, cpu), at most one per 2 images of the
   * batch, and 1 on tfjs-node(-gpu), which use every core already. 1 trains in this thread alone.
   * A run repeats exactly for a given number; with several, BatchNorm normalises each share on its
   * own statistics, so losses differ slightly from one thread's (pass a number for a run to repeat
   * on a machine with another core count). @default 'auto'
   */
  workers?: number | 'auto'
  /** Model name written to gan.json (and so into the exported ONNX). @default `${dataset}-dcgan` */
  name?: string
  /** SPDX licence of the trained weights, written to gan.json. @default the dataset's licence (`unknown` for a folder) */
  license?: string
  /**
   * Start from the weights of another run's checkpoint instead of the initialisers (a warm start):
   * the directory of a run this trainer wrote. Its generator, its generator's weight average and its
   * discriminator are copied in; the discriminator's layers that `pretrainedFeatures` adds start from
   * their initialisers when that run had none (and are left behind when it had them and this run
   * does not; both having them, they are copied too), so a trained run can gain the feature judge late, as Vision-aided GAN adds its judges
   * to a trained GAN. Everything else that shapes the models must be that run's: image size,
   * channels and class count, and the model options (its config.json lists them); the images may be
   * others (fine-tuning a run on a small dataset of your own). The optimizers start afresh and this
   * run counts its own steps from 0, so `steps`, `learningRateDecaySteps` and the `topK` schedule
   * are this run's; the weight average keeps the decay it had reached. @default none
   */
  initFrom?: string
  /** With `initFrom`: the step of the kept checkpoint to start from (that run's `keepCheckpoints`). @default its last */
  initStep?: number
  /**
   * Continue the run in `outDir` from its last checkpoint, with the settings in its `config.json`;
   * only the {@link RESUMABLE_OPTIONS} may be given (and `dataset`, for a run on in-memory images).
   * @default false
   */
  resume?: boolean
  /** Train into a non-empty `outDir`, deleting the files of the run there first. @default false */
  force?: boolean
  /** Stops training after the current step; the checkpoint and gan.json are still written. */
  signal?: AbortSignal
  /** Progress and results, as typed events. */
  onEvent?: (event: TrainEvent) => void
}

/** The options a resumed run may change; everything else comes from its config.json. */
export const RESUMABLE_OPTIONS = [
  'steps',
  'learningRateDecaySteps',
  'standingStats',
  'sampleEvery',
  'checkpointEvery',
  'keepCheckpoints',
  'logEvery',
  'backend',
  'fastKernels',
  'workers',
] as const

export interface ResolvedTrainOptions {
  outDir: string
  data: DatasetSource
  /** Size, channels and fit for loaded datasets; in-memory datasets keep their own shape. */
  shape: ImageShape
  conditional: boolean
  steps: number
  batchSize: number
  learningRate: number
  discriminatorLearningRate: number
  learningRateDecaySteps: number
  beta1: number
  emaDecay: number
  standingStats: number
  classLoss: number
  lecam: number
  reconstruction: number
  topK: number
  blurSteps: number
  loss: LossName
  augment: readonly AugmentPolicy[]
  mirror: boolean
  sampleEvery: number
  checkpointEvery: number
  keepCheckpoints: number
  logEvery: number
  backend: BackendPreference
  fastKernels: boolean
  workers: number | 'auto'
  name: string | undefined
  license: string | undefined
  initFrom: string | undefined
  initStep: number | undefined
  resume: boolean
  force: boolean
  signal: AbortSignal | undefined
  onEvent: (event: TrainEvent) => void
  model: Omit<DcganConfig, 'width' | 'height' | 'channels' | 'classes'>
}

/** The defaults of {@link TrainOptions}, in one place (the CLI's help prints them). */
export const TRAIN_DEFAULTS = {
  dataset: 'mnist' as BuiltinDataset,
  steps: 3000,
  batchSize: 64,
  learningRate: 2e-4,
  learningRateDecaySteps: 0,
  beta1: 0.5,
  latentSize: 100,
  generatorFilters: [128, 64] as readonly number[],
  discriminatorFilters: [64, 128] as readonly number[],
  kernelSize: 4,
  upsampling: 'transposed' as Upsampling,
  generatorBlocks: 'plain' as GeneratorBlocks,
  generatorPadding: 'zeros' as GeneratorPadding,
  outputFilters: 0,
  discriminatorInputFilters: 0,
  sampleEvery: 500,
  checkpointEvery: 1000,
  keepCheckpoints: 1,
  logEvery: 50,
  seed: 1,
  emaDecay: 0.999,
  standingStats: 0,
  classLoss: 0,
  lecam: 0,
  reconstruction: 0,
  topK: 1,
  blurSteps: 0,
  featureUpsampling: 1,
  backend: 'auto' as BackendPreference,
  fastKernels: true,
  workers: 'auto' as number | 'auto',
  fit: 'crop' as Fit,
  loss: 'ns' as LossName,
  augment: [] as readonly AugmentPolicy[],
  mirror: false,
  spectralNorm: false,
  spectralNormProjection: false,
  pretrainedFeatures: false,
  featureJudge: 'linear' as FeatureJudge,
  conditional: false,
  labelConditioning: 'multiply' as LabelConditioning,
} as const

const EMOJI_DEFAULTS = { size: 32, channels: 4 } as const

/** Size and channels each kind of dataset defaults to. */
export const DATASET_DEFAULTS: Record<BuiltinDataset | 'folder', { size: ImageSize; channels: 1 | 3 | 4 }> = {
  mnist: { size: 28, channels: 1 },
  emoji: EMOJI_DEFAULTS,
  'emoji-subcategories': EMOJI_DEFAULTS,
  folder: { size: 64, channels: 3 },
}

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
  accepts: (v) => Number.isSafeInteger(v) && v >= min,
})
const OPEN_UNIT: NumberRule = { integer: false, expected: 'a number in (0, 1)', accepts: (v) => v > 0 && v < 1 }
const NON_NEGATIVE: NumberRule = { integer: false, expected: 'a number ≥ 0', accepts: (v) => Number.isFinite(v) && v >= 0 }
const HALF_OPEN_UNIT: NumberRule = { integer: false, expected: 'a number in [0, 1)', accepts: (v) => v >= 0 && v < 1 }
const SHARE: NumberRule = { integer: false, expected: 'a number in (0, 1]', accepts: (v) => v > 0 && v <= 1 }

/** The numeric options of {@link TrainOptions} and what each accepts. */
export const NUMBER_OPTIONS = {
  steps: integerFrom(1),
  batchSize: integerFrom(1),
  learningRate: OPEN_UNIT,
  discriminatorLearningRate: OPEN_UNIT,
  learningRateDecaySteps: integerFrom(0),
  beta1: HALF_OPEN_UNIT,
  latentSize: integerFrom(1),
  kernelSize: integerFrom(1),
  outputFilters: integerFrom(0),
  discriminatorInputFilters: integerFrom(0),
  emaDecay: HALF_OPEN_UNIT,
  standingStats: integerFrom(0),
  classLoss: NON_NEGATIVE,
  lecam: NON_NEGATIVE,
  reconstruction: NON_NEGATIVE,
  topK: SHARE,
  blurSteps: integerFrom(0),
  featureUpsampling: integerFrom(1),
  sampleEvery: integerFrom(1),
  checkpointEvery: integerFrom(1),
  keepCheckpoints: integerFrom(0),
  logEvery: integerFrom(1),
  seed: integerFrom(0),
} as const satisfies Record<string, NumberRule>
export type NumberOption = keyof typeof NUMBER_OPTIONS

/** The default of a numeric option, as an example value: `discriminatorLearningRate`'s is `learningRate`'s. */
export const numberDefault = (key: NumberOption): number => TRAIN_DEFAULTS[key === 'discriminatorLearningRate' ? 'learningRate' : key]

/** One of `choices`, or the error that lists them. */
function oneOf<T>(key: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new TrainError('ERR_INVALID_OPTION', `${key} must be one of ${choices.join(', ')}, got ${describeValue(value)}.`)
  }
  return value as T
}

function flag(key: keyof TrainOptions, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TrainError('ERR_INVALID_OPTION', `${key} must be true or false, got ${describeValue(value)}.`)
  return value
}

/**
 * Validate loose input (CLI flags, user objects) into complete options; never mutates `input`.
 * Touches no file: a folder dataset is read, and checked, by train() before any backend loads.
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
  const data = datasetSource(input.dataset ?? TRAIN_DEFAULTS.dataset)
  const number = (key: NumberOption, fallback?: number): number => {
    const v = input[key] ?? fallback ?? numberDefault(key)
    const rule = NUMBER_OPTIONS[key]
    if (typeof v !== 'number' || !rule.accepts(v)) {
      throw new TrainError('ERR_INVALID_OPTION', `${key} must be ${rule.expected}, got ${describeValue(v)}.`)
    }
    return v
  }
  const shape = imageShape(input, data)
  const defaults = defaultFilters(Math.max(shape.size, data.kind === 'memory' ? data.dataset.height : 0))
  const filters = (key: 'generatorFilters' | 'discriminatorFilters'): readonly number[] => {
    const v = input[key] ?? defaults[key]
    if (!Array.isArray(v) || v.length === 0 || !v.every((f) => Number.isSafeInteger(f) && f > 0)) {
      throw new TrainError(
        'ERR_INVALID_OPTION',
        `${key} must be a non-empty list of positive integers, e.g. ${describeValue(defaults[key])}, got ${describeValue(v)}.`,
      )
    }
    return [...v]
  }
  // gan.json requires name and license to be non-empty when present, so an empty one would give a run the exporter rejects.
  const label = (key: 'name' | 'license' | 'initFrom', example: string): string | undefined => {
    const v = input[key]
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new TrainError(
        'ERR_INVALID_OPTION',
        `${key} must be a non-empty string such as ${describeValue(example)}, or left out, got ${describeValue(v)}.`,
      )
    }
    return v
  }
  const augment = input.augment ?? TRAIN_DEFAULTS.augment
  if (!Array.isArray(augment) || !augment.every((p) => AUGMENT_POLICIES.includes(p)) || new Set(augment).size !== augment.length) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `augment must list distinct policies out of ${AUGMENT_POLICIES.join(', ')} (or none), got ${describeValue(augment)}.`,
    )
  }
  const parts = COLOR_PARTS.filter((p) => augment.includes(p))
  if (augment.includes('color') && parts.length > 0) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `augment lists color and ${parts.join(', ')}, which color already applies: pass color alone (brightness, saturation and contrast) or only the parts you want.`,
    )
  }
  const initFrom = label('initFrom', 'runs/emoji')
  const initStep = input.initStep
  if (initStep !== undefined && (initFrom === undefined || !INIT_STEP.accepts(initStep))) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      initFrom === undefined
        ? `initStep ${describeValue(initStep)} picks a checkpoint of the run initFrom names: add initFrom, or leave initStep out.`
        : `initStep must be ${INIT_STEP.expected} (a kept checkpoint's step), got ${describeValue(initStep)}.`,
    )
  }
  const steps = number('steps')
  const learningRateDecaySteps = number('learningRateDecaySteps')
  if (learningRateDecaySteps > steps) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `learningRateDecaySteps ${learningRateDecaySteps} is more than the run's ${steps} steps: use at most --lr-decay-steps ${steps} (the decay ends with the run).`,
    )
  }
  const conditional = flag('conditional', input.conditional, TRAIN_DEFAULTS.conditional)
  const learningRate = number('learningRate')
  const classLoss = number('classLoss')
  if (classLoss > 0 && !conditional) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `classLoss ${classLoss} needs class labels: train a conditional model (--conditional), or leave --class-loss out.`,
    )
  }
  const reconstruction = number('reconstruction')
  const labelConditioning = oneOf('labelConditioning', input.labelConditioning ?? TRAIN_DEFAULTS.labelConditioning, LABEL_CONDITIONINGS)
  if (labelConditioning !== TRAIN_DEFAULTS.labelConditioning && !conditional) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `labelConditioning ${JSON.stringify(labelConditioning)} sets how a conditional generator takes its class: add --conditional, or leave --label-conditioning out.`,
    )
  }
  const spectralNorm = flag('spectralNorm', input.spectralNorm, TRAIN_DEFAULTS.spectralNorm)
  const spectralNormProjection = flag('spectralNormProjection', input.spectralNormProjection, TRAIN_DEFAULTS.spectralNormProjection)
  if (spectralNormProjection && !(spectralNorm && conditional)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `spectralNormProjection normalises a conditional discriminator's class embedding beside its spectrally normalised layers: add ${[conditional ? '' : '--conditional', spectralNorm ? '' : '--spectral-norm'].filter(Boolean).join(' and ')}, or leave --spectral-norm-projection out.`,
    )
  }
  const pretrainedFeatures = flag('pretrainedFeatures', input.pretrainedFeatures, TRAIN_DEFAULTS.pretrainedFeatures)
  const featureJudge = oneOf('featureJudge', input.featureJudge ?? TRAIN_DEFAULTS.featureJudge, FEATURE_JUDGES)
  if (featureJudge !== TRAIN_DEFAULTS.featureJudge && !pretrainedFeatures) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `featureJudge ${JSON.stringify(featureJudge)} sets how the discriminator judges pretrained features: add --pretrained-features, or leave --feature-judge out.`,
    )
  }
  const featureUpsampling = number('featureUpsampling')
  if (featureUpsampling !== TRAIN_DEFAULTS.featureUpsampling && !pretrainedFeatures) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `featureUpsampling ${featureUpsampling} enlarges the images for the pretrained features: add --pretrained-features, or leave --feature-upsampling out.`,
    )
  }
  return {
    outDir: input.outDir,
    data,
    shape,
    conditional,
    steps,
    batchSize: number('batchSize'),
    learningRate,
    discriminatorLearningRate: number('discriminatorLearningRate', learningRate),
    learningRateDecaySteps,
    beta1: number('beta1'),
    emaDecay: number('emaDecay'),
    standingStats: number('standingStats'),
    classLoss,
    lecam: number('lecam'),
    reconstruction,
    topK: number('topK'),
    blurSteps: number('blurSteps'),
    loss: oneOf('loss', input.loss ?? TRAIN_DEFAULTS.loss, LOSS_NAMES),
    augment: AUGMENT_POLICIES.filter((p) => augment.includes(p)),
    mirror: flag('mirror', input.mirror, TRAIN_DEFAULTS.mirror),
    sampleEvery: number('sampleEvery'),
    checkpointEvery: number('checkpointEvery'),
    keepCheckpoints: number('keepCheckpoints'),
    logEvery: number('logEvery'),
    backend: oneOf('backend', input.backend ?? TRAIN_DEFAULTS.backend, ['auto', ...BACKEND_NAMES] as const),
    fastKernels: flag('fastKernels', input.fastKernels, TRAIN_DEFAULTS.fastKernels),
    workers: workers(input.workers),
    name: label('name', 'mnist-dcgan'),
    license: label('license', 'MIT'),
    initFrom,
    initStep,
    resume: flag('resume', input.resume, false),
    force: flag('force', input.force, false),
    signal: input.signal,
    onEvent: input.onEvent ?? (() => {}),
    model: {
      latentSize: number('latentSize'),
      generatorFilters: filters('generatorFilters'),
      discriminatorFilters: filters('discriminatorFilters'),
      kernelSize: number('kernelSize'),
      upsampling: oneOf('upsampling', input.upsampling ?? TRAIN_DEFAULTS.upsampling, UPSAMPLINGS),
      generatorBlocks: oneOf('generatorBlocks', input.generatorBlocks ?? TRAIN_DEFAULTS.generatorBlocks, GENERATOR_BLOCKS),
      generatorPadding: oneOf('generatorPadding', input.generatorPadding ?? TRAIN_DEFAULTS.generatorPadding, GENERATOR_PADDINGS),
      outputFilters: number('outputFilters'),
      inputFilters: number('discriminatorInputFilters'),
      seed: number('seed'),
      labelConditioning,
      spectralNorm,
      spectralNormProjection,
      auxiliaryClassifier: classLoss > 0,
      decoder: reconstruction > 0,
      pretrainedFeatures,
      featureJudge,
      featureUpsampling,
    },
  }
}

/** What `initStep` accepts. The CLI checks --init-step against the same rule. */
export const INIT_STEP: NumberRule = integerFrom(1)

/** What `workers` accepts besides `auto`. The CLI checks --workers against the same rule. */
export const WORKERS_RULE: NumberRule = integerFrom(1)

function workers(value: TrainOptions['workers']): number | 'auto' {
  const v = value ?? TRAIN_DEFAULTS.workers
  if (v !== 'auto' && !(typeof v === 'number' && WORKERS_RULE.accepts(v))) {
    throw new TrainError('ERR_INVALID_OPTION', `workers must be auto or ${WORKERS_RULE.expected}, got ${describeValue(v)}.`)
  }
  return v
}

function datasetSource(dataset: NonNullable<TrainOptions['dataset']>): DatasetSource {
  if (typeof dataset === 'string') return namedDatasetSource(dataset, 'dataset')
  checkDataset(dataset)
  return { kind: 'memory', dataset }
}

/** The shape images are loaded at. In-memory images keep theirs, so size, channels and fit must be left out for them. */
function imageShape(input: TrainOptions, data: DatasetSource): ImageShape {
  const fit = oneOf('fit', input.fit ?? TRAIN_DEFAULTS.fit, FITS)
  if (data.kind === 'memory') {
    for (const key of ['size', 'channels', 'fit'] as const) {
      if (input[key] !== undefined) {
        throw new TrainError(
          'ERR_INVALID_OPTION',
          `${key} is for datasets the trainer loads; in-memory images keep their own shape (${data.dataset.width}×${data.dataset.height}×${data.dataset.channels}): leave ${key} out.`,
        )
      }
    }
    return { size: data.dataset.width, channels: data.dataset.channels, fit }
  }
  const defaults = DATASET_DEFAULTS[data.kind]
  return {
    size: oneOf('size', input.size ?? defaults.size, IMAGE_SIZES),
    channels: oneOf('channels', input.channels ?? defaults.channels, [1, 3, 4] as const),
    fit,
  }
}
