import type * as tfl from '@tensorflow/tfjs-layers'
import { checkTruncation, describeValue, isGanError } from 'gan-sdk/core'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { selectBackend } from '../backend/ladder.js'
import { pixelsAsFloats, type ImageDataset } from '../data/dataset.js'
import { loadDataset, namedDatasetSource, type DatasetSource, type LoadedDataset } from '../data/load-dataset.js'
import { isTrainError, TrainError } from '../errors.js'
import { loadLayersModel } from '../io/layers-model-io.js'
import { classifierClassNames, classify, FEATURE_LAYER } from './classifier.js'
import { CLASS_MIXES, classesInRealMix, type ClassMix } from './class-mix.js'
import { discriminatorView, type LogitSummary } from './discriminator-view.js'
import { drawSamples, type ClassPlan, type Samples, type Shape } from './draw-samples.js'
import { frechetDistance } from './frechet.js'
import { colourfulness, pixelFeatures, pixelPairContrast, strongEdgeShare } from './pixel-features.js'
import { precisionRecall } from './precision-recall.js'
import { slicedWasserstein, type ImageSet } from './sliced-wasserstein.js'
import { accuracyOf, argmax, classScores } from './score.js'

/** Options of {@link evaluate}. Only `input` is required. */
export interface EvaluateOptions {
  /** A training run directory (its latest checkpoint's generator) or a generator `.onnx` (run by gan-sdk). */
  input: string
  /** A run's kept checkpoint of this step instead of its latest (the run trained with `keepCheckpoints`). @default the latest */
  step?: number
  /** Samples to score: seeds 0 … count − 1 (for conditional models, each seed's own class, as gan-sdk draws it). @default 1000 */
  count?: number
  /**
   * A scoring classifier of the real images' classes: a TF.js layers model of the samples' shape
   * with a `features` layer and one output per class, in the real images' class order, such as this
   * repository's committed `models/mnist/evaluator` and `models/emoji/evaluator` (`trainClassifier`).
   * For digit models against MNIST its features are where the distances are taken; for other images
   * it adds its view (confidence, class histogram, label agreement) beside the pixel measures.
   * @default ./models/mnist/evaluator for a digit model against mnist, ./models/emoji/evaluator for a 32×32 RGBA model against emoji, when it exists
   */
  evaluator?: string
  /** The real images to compare with: `mnist`, `emoji` or a folder. @default the run's dataset (config.json); mnist for a grey 28×28 .onnx */
  data?: string
  /**
   * The truncation trick ψ in (0, 1] the samples are drawn with, as `generate(seed, { truncation })`
   * draws them (docs/seeds.md): scores what users get at that ψ, to weigh typicality against variety. @default 1 (off)
   */
  truncation?: number
  /**
   * Conditional models: which class each sample is generated for. `seed`: each seed's own (seed mod
   * the class count), as `generate(seed)` draws them, evenly over the classes; `real`: in the real
   * images' proportions (`classesInRealMix`), so that the distances do not count another class mix
   * against the model and conditional and unconditional models compare on equal terms. No effect on
   * unconditional models. @default 'seed'
   */
  classMix?: ClassMix
}

/** What {@link evaluate} measured. */
export interface Evaluation {
  input: string
  samples: number
  image: { width: number; height: number; channels: number }
  conditional: boolean
  /** The truncation ψ the samples were drawn with (1: none). */
  truncation: number
  /** A run's input: the step of the checkpoint scored (its latest, or the `step` asked for), when gan.json records it. */
  step?: number
  /** The class mix asked for (`classMix`; recorded for unconditional models too, where it changes nothing). */
  classMix: ClassMix
  /** Conditional models: how many samples were generated for each class, in the model's class order. */
  sampleClasses?: number[]
  /** Where the distances are taken: the classifier's `features` layer, or 8×8 RGB thumbnails (pixel-features.ts). */
  featureSpace: 'classifier' | 'pixel-thumbnails-8x8-rgb'
  /** Fréchet distance between the samples' and the real images' features. */
  frechetDistance: number
  /** Improved precision and recall, k = 3, in the same features (Kynkäänniemi et al. 2019). */
  precision: number
  recall: number
  /** The same distance between two halves of the real images: the floor for this feature space and count. */
  realFrechetDistance: number
  /**
   * The real images compared with: how many, and whether training never saw them (the held-out
   * part of `mnist` and `emoji`) or they are the training images (a folder has no held-out part).
   */
  real: { count: number; heldOut: boolean }
  /**
   * In pixel features (all but digits scored in a classifier's features): the share of pixels on a
   * strong edge (`strongEdgeShare`, pixel-features.ts) of the samples and of the real images. Thumbnails cannot see blur; this can: blurred samples
   * score under the real images, speckled ones over them, crisp ones near them.
   */
  edges?: { samples: number; real: number }
  /**
   * In pixel features (all but digits scored in a classifier's features): Hasler and Süsstrunk's
   * colourfulness (`colourfulness`, pixel-features.ts) of the samples and of the real images, 0 for grey. Thumbnails average colour away; this does
   * not: washed-out samples score under the real images, colourful ones near them.
   */
  colourfulness?: { samples: number; real: number }
  /**
   * In pixel features (all but digits scored in a classifier's features): the pixel-pair pattern a
   * stride-2 transposed convolution leaves in the image it makes (`pixelPairContrast`, pixel-features.ts), of the samples and of the real images:
   * 0 is none, 1/3 changes at one phase twice those at the other. Strong edges count such a pattern
   * as edges, so a share near the real one means crisp only where this is near the real images'.
   */
  pixelPairContrast?: { samples: number; real: number }
  /**
   * In pixel features (all but digits scored in a classifier's features): sliced Wasserstein
   * distances ×10³ per Laplacian pyramid level, finest first (`slicedWasserstein`, sliced-wasserstein.ts, defaults): the samples' against the real
   * images, and between two halves of the real images (the floor for this count; fewer images score
   * higher). The finest level sees sharpness, detail and speckle; the coarsest, colour and layout.
   */
  slicedWasserstein?: Array<{ size: number; samples: number; real: number }>
  /**
   * A run's discriminator (of the checkpoint scored), in inference mode and without augmentation,
   * on the images it trained on, the held-out ones (`mnist`, `emoji`) and the samples, when the real
   * images are the run's own: its mean logit and mean sign (ADA's r_t on the training images). A
   * held-out mean falling away from the training one says it learns the training images by heart.
   */
  discriminator?: { training: LogitSummary; heldOut?: LogitSummary; samples: LogitSummary }
  /** The scoring classifier's view (with an evaluator). */
  classifier?: {
    /** The share of the real images it names the class of (held out from training for mnist and emoji: `real.heldOut`). */
    heldOutAccuracy: number
    meanConfidence: number
    histogram: number[]
    minClassShare: number
    /** Conditional models: the share of samples classified as the class they were generated for. */
    labelAgreement?: number
    /** Conditional models: that share per requested class, by the model's class order. */
    labelAgreementByClass?: number[]
  }
}

/**
 * Score a generator as gan-train eval does: `count` samples from the seed contract's seeds, compared
 * with real images in a stated feature space. With an evaluator (a classifier of the real images'
 * classes) its view too: confidence, class histogram, and label agreement for conditional models.
 */
export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const { input, count = 1000, evaluator, data, truncation = 1, classMix = 'seed' } = options
  if (!Number.isSafeInteger(count) || count < 10)
    throw new TrainError('ERR_INVALID_OPTION', `count ${describeValue(count)} is invalid: pass an integer ≥ 10 (samples to score).`)
  try {
    checkTruncation(truncation)
  } catch (err) {
    if (!isGanError(err)) throw err
    throw new TrainError('ERR_INVALID_OPTION', err.detail, { cause: err })
  }
  if (options.step !== undefined && !(Number.isSafeInteger(options.step) && options.step >= 1))
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `step ${describeValue(options.step)} is invalid: pass the step of a kept checkpoint, e.g. 4000.`,
    )
  if (!(CLASS_MIXES as readonly unknown[]).includes(classMix))
    throw new TrainError('ERR_INVALID_OPTION', `classMix ${describeValue(classMix)} is invalid: pass ${CLASS_MIXES.join(' or ')}.`)
  const named = data === undefined ? undefined : namedDatasetSource(data, 'data')
  await selectBackend('auto')
  const realSource = (shape: Shape, dataset: DatasetSource | undefined): DatasetSource => {
    const source = named ?? dataset ?? (isDigitModel(shape) ? { kind: 'mnist' as const } : undefined)
    if (source === undefined)
      throw new TrainError('ERR_INVALID_OPTION', `no real images to compare ${input} with: pass --data mnist, emoji or a folder.`)
    return source
  }
  const loadReal = (source: DatasetSource, shape: Shape, conditional: boolean) =>
    loadDataset(source, { size: shape.width, channels: shape.channels, fit: 'crop' }, conditional, 'test')
  // The real images, when the class mix needed them before the samples were drawn (loaded once).
  let loaded: LoadedDataset | undefined
  const plan: ClassPlan = async (labels, shape, dataset) => {
    if (classMix === 'seed') return undefined
    const source = realSource(shape, dataset)
    loaded = await loadReal(source, shape, source.kind === 'folder')
    return classesInRealMix(loaded.dataset, labels, count)
  }
  const samples = await drawSamples(input, count, truncation, plan, options.step)
  const { shape } = samples
  const source = realSource(shape, samples.dataset)
  const evaluatorDir = evaluator ?? (await defaultEvaluator(shape, source))
  const { dataset: real, heldOut } = loaded ?? (await loadReal(source, shape, false))
  const realPixels = pixelsAsFloats(real)
  // A run's D judges only against the images it trained on (which config.json names).
  const own = samples.dataset !== undefined && (named === undefined || sameSource(named, samples.dataset)) ? samples.dataset : undefined
  const judged = await discriminatorJudgement(samples, count, own, real, heldOut, realPixels)
  const classifier = evaluatorDir === undefined ? undefined : await loadEvaluator(evaluatorDir, shape, real)
  try {
    const view = classifier === undefined ? undefined : classifierView(classifier, samples, count, real, realPixels)
    // Digits against MNIST: the distances in the classifier's features, as FID takes them in Inception's.
    if (view !== undefined && isDigitModel(shape) && source.kind === 'mnist') {
      return {
        ...base(input, samples, count, classMix),
        featureSpace: 'classifier',
        real: { count: real.count, heldOut },
        ...distances(view.features, count, view.realFeatures, real.count, view.featureSize),
        classifier: view.classifier,
        ...judged,
      }
    }
    const fake = pixelFeatures(samples.pixels, count, shape)
    const realFeatures = pixelFeatures(realPixels, real.count, shape)
    return {
      ...base(input, samples, count, classMix),
      featureSpace: 'pixel-thumbnails-8x8-rgb',
      real: { count: real.count, heldOut },
      ...distances(fake, count, realFeatures, real.count, 192),
      edges: { samples: strongEdgeShare(samples.pixels, count, shape), real: strongEdgeShare(realPixels, real.count, shape) },
      colourfulness: { samples: colourfulness(samples.pixels, count, shape), real: colourfulness(realPixels, real.count, shape) },
      pixelPairContrast: {
        samples: pixelPairContrast(samples.pixels, count, shape),
        real: pixelPairContrast(realPixels, real.count, shape),
      },
      slicedWasserstein: pyramidDistances({ pixels: samples.pixels, count, shape }, { pixels: realPixels, count: real.count, shape }),
      ...(view === undefined ? {} : { classifier: view.classifier }),
      ...judged,
    }
  } finally {
    classifier?.dispose()
  }
}

/**
 * A run's discriminator on the images it trained on, the held-out ones and the samples, when the
 * real images are the run's own (`source`; undefined when another set was asked for).
 */
async function discriminatorJudgement(
  samples: Samples,
  count: number,
  source: DatasetSource | undefined,
  real: ImageDataset,
  heldOut: boolean,
  realPixels: Float32Array,
): Promise<Pick<Evaluation, 'discriminator'>> {
  if (samples.discriminator === undefined || source === undefined) return {}
  const { shape } = samples
  const training = heldOut
    ? (await loadDataset(source, { size: shape.width, channels: shape.channels, fit: 'crop' }, false, 'train')).dataset
    : real
  const set = (ds: ImageDataset, pixels = pixelsAsFloats(ds)) => ({ pixels, count: ds.count, classes: ds.labels })
  const sets = [set(training, training === real ? realPixels : undefined), { pixels: samples.pixels, count, classes: samples.classOf }]
  if (heldOut) sets.push(set(real, realPixels))
  const [trained, drawn, held] = await discriminatorView(samples.discriminator.path, samples.discriminator.range, shape, sets)
  return { discriminator: { training: trained!, samples: drawn!, ...(held === undefined ? {} : { heldOut: held }) } }
}

/** Whether two sources name the same images: one built-in set, or one folder. */
function sameSource(a: DatasetSource, b: DatasetSource): boolean {
  if (a.kind === 'folder' && b.kind === 'folder') return resolve(a.path) === resolve(b.path)
  return a.kind === b.kind && a.kind !== 'memory'
}

/** The committed evaluator for these samples and real images, when this repository's is at hand: digits against MNIST, 32×32 RGBA against emoji's categories. */
async function defaultEvaluator(shape: Shape, source: DatasetSource): Promise<string | undefined> {
  if (isDigitModel(shape) && source.kind === 'mnist') return existing(resolve('models/mnist/evaluator'))
  if (shape.width === 32 && shape.height === 32 && shape.channels === 4 && source.kind === 'emoji')
    return existing(resolve('models/emoji/evaluator'))
  return undefined
}

/**
 * The classifier in `dir`, checked against what it is to judge: the samples' shape and the real
 * images' classes (by name when it was saved with them, as trainClassifier saves them; else by count).
 * @throws TrainError `ERR_INVALID_OPTION` when it cannot be read or was made for other images.
 */
async function loadEvaluator(dir: string, shape: Shape, real: ImageDataset): Promise<tfl.LayersModel> {
  let classifier: tfl.LayersModel
  try {
    classifier = await loadLayersModel(dir)
  } catch (err) {
    if (!isTrainError(err, 'ERR_CHECKPOINT')) throw err
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `the evaluator ${dir} cannot be read (${err.cause instanceof Error ? err.cause.message : err.message}): pass the folder saveLayersModel wrote a trainClassifier model to.`,
      { cause: err },
    )
  }
  const [, height, width, channels] = classifier.inputs[0]!.shape
  const classes = classifier.outputs[0]!.shape[1]
  const names = classifierClassNames(classifier)
  const madeFor = `the evaluator in ${dir} classifies ${String(width)}×${String(height)}×${String(channels)} images into ${plural(Number(classes), 'class', 'classes')}${names === undefined ? '' : ` (${listed(names)})`}`
  const judged = `judged against ${real.count} images of ${plural(real.classNames.length, 'class', 'classes')} (${real.name}${names === undefined ? '' : `: ${listed(real.classNames)}`})`
  const problem =
    height !== shape.height || width !== shape.width || channels !== shape.channels || classes !== real.classNames.length
      ? `${madeFor}, and the samples are ${shape.width}×${shape.height}×${shape.channels}, ${judged}`
      : names !== undefined && names.some((name, k) => name !== real.classNames[k])
        ? `${madeFor}, and the real images' classes differ: ${judged}`
        : !classifier.layers.some((layer) => layer.name === FEATURE_LAYER)
          ? `the evaluator in ${dir} has no "${FEATURE_LAYER}" layer`
          : undefined
  if (problem === undefined) return classifier
  classifier.dispose()
  throw new TrainError(
    'ERR_INVALID_OPTION',
    `${problem}: pass an evaluator trainClassifier made from these images, or leave out --evaluator.`,
  )
}

/** The first few of `names`, for a message: "0, 1, 2, 3, …". */
function listed(names: readonly string[], max = 4): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ')
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

/** The classifier's view of the samples beside the real images (each set classified once), with both sets' features. */
function classifierView(classifier: tfl.LayersModel, samples: Samples, count: number, real: ImageDataset, realPixels: Float32Array) {
  const fake = classify(classifier, samples.pixels, count, samples.shape)
  const reference = classify(classifier, realPixels, real.count, real)
  return {
    features: fake.features,
    realFeatures: reference.features,
    featureSize: fake.featureSize,
    classifier: {
      heldOutAccuracy: accuracyOf(reference.probs, reference.classes, real),
      ...classScores(fake.probs, fake.classes, count),
      ...labelAgreement(fake.probs, fake.classes, samples, count, real.classNames),
    },
  }
}

/**
 * Conditional models whose labels are the real images' class names: the share of samples the
 * classifier gives the class they were generated for, overall and per class (the model's order).
 */
function labelAgreement(probs: Float32Array, classes: number, samples: Samples, count: number, classNames: readonly string[]) {
  const { labels, classOf } = samples
  if (labels === undefined || classOf === undefined || !labels.every((label) => classNames.includes(label))) return {}
  const asked = new Array<number>(labels.length).fill(0)
  const agreed = new Array<number>(labels.length).fill(0)
  for (let n = 0; n < count; n++) {
    const k = classOf[n]!
    asked[k]!++
    if (classNames[argmax(probs, n, classes)] === labels[k]) agreed[k]!++
  }
  return {
    labelAgreement: agreed.reduce((a, b) => a + b, 0) / count,
    labelAgreementByClass: agreed.map((a, k) => (asked[k]! === 0 ? 0 : a / asked[k]!)),
  }
}

/** A 28×28 grey model: a digit model, scored against MNIST unless told otherwise. */
function isDigitModel(shape: Shape): boolean {
  return shape.width === 28 && shape.height === 28 && shape.channels === 1
}

/** The samples' sliced Wasserstein distances to the real images per level, beside the real images' halves'. */
function pyramidDistances(samples: ImageSet, real: ImageSet): NonNullable<Evaluation['slicedWasserstein']> {
  const [even, odd] = halves(real.pixels, real.count, real.shape.width * real.shape.height * real.shape.channels)
  const half = Math.floor(real.count / 2)
  const floor = slicedWasserstein({ pixels: even, count: half, shape: real.shape }, { pixels: odd, count: half, shape: real.shape })
  return slicedWasserstein(real, samples).map((level, l) => ({ size: level.size, samples: level.distance, real: floor[l]!.distance }))
}

function base(input: string, samples: Samples, count: number, classMix: ClassMix) {
  const { labels, classOf } = samples
  const sampleClasses =
    labels === undefined || classOf === undefined ? undefined : labels.map((_, k) => classOf.filter((c) => c === k).length)
  return {
    input,
    samples: count,
    image: samples.shape,
    conditional: labels !== undefined,
    truncation: samples.truncation,
    ...(samples.step === undefined ? {} : { step: samples.step }),
    classMix,
    ...(sampleClasses === undefined ? {} : { sampleClasses }),
  }
}

/** FD, precision and recall of the samples against the real features, and the real set's own FD floor. */
function distances(fake: Float32Array, fakeCount: number, real: Float32Array, realCount: number, dims: number) {
  const half = Math.floor(realCount / 2)
  const [even, odd] = halves(real, realCount, dims)
  // Precision/recall are O(n²): at most 2,000 of each (every k-th real row, as the real set comes sorted by class).
  const step = Math.ceil(realCount / 2000)
  const realRows = Math.floor(realCount / step)
  const sampled = new Float32Array(realRows * dims)
  for (let i = 0; i < realRows; i++) sampled.set(real.subarray(i * step * dims, (i * step + 1) * dims), i * dims)
  const pr = precisionRecall(sampled, realRows, fake.subarray(0, Math.min(fakeCount, 2000) * dims), Math.min(fakeCount, 2000), dims)
  return {
    frechetDistance: frechetDistance(fake, fakeCount, real, realCount, dims),
    ...pr,
    realFrechetDistance: frechetDistance(even, half, odd, half, dims),
  }
}

/** The even rows and the odd rows of `count` rows of `size` numbers, ⌊count / 2⌋ each: two halves of a real set, as datasets come sorted by class. */
function halves(rows: Float32Array, count: number, size: number): [Float32Array, Float32Array] {
  const half = Math.floor(count / 2)
  const [even, odd] = [new Float32Array(half * size), new Float32Array(half * size)]
  for (let i = 0; i < half; i++) {
    even.set(rows.subarray(2 * i * size, (2 * i + 1) * size), i * size)
    odd.set(rows.subarray((2 * i + 1) * size, (2 * i + 2) * size), i * size)
  }
  return [even, odd]
}

async function existing(path: string): Promise<string | undefined> {
  return (await stat(join(path, 'model.json')).catch(() => undefined)) === undefined ? undefined : path
}
