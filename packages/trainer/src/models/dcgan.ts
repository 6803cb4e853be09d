import * as tfl from '@tensorflow/tfjs-layers'
import { Gain } from '@gan-sdk/internal/feature-layers'
import { TrainError } from '../errors.js'
import { ReflectionPadding2D } from './reflection-padding.js'
import { FEATURES_PREFIX, pretrainedFeatures, type FeatureJudge } from './pretrained-features.js'
import { SpectralNormalization } from './spectral-norm.js'

/** Shape of a DCGAN pair. Defaults are the 28×28 MNIST model that gan-sdk ships. */
export interface DcganConfig {
  /** Length of the latent vector. @default 100 */
  latentSize: number
  width: number
  height: number
  channels: 1 | 3 | 4
  /**
   * Generator feature maps, one per ×2 upsampling stage, widest first: `[128, 64]` makes
   * 7×7×128 → 14×14×64 → 28×28×channels. @default [128, 64]
   */
  generatorFilters: readonly number[]
  /** Discriminator feature maps, one per stride-2 conv. @default [64, 128] */
  discriminatorFilters: readonly number[]
  /**
   * Kernel size of the discriminator's convolutions and the generator's transposed ones (with
   * `upsampling: 'nearest'` the generator's are 3×3); 4 divides stride 2 evenly (no checkerboard). @default 4
   */
  kernelSize: number
  /**
   * How each of the generator's ×2 stages upsamples: `transposed`, a stride-2 transposed
   * convolution of `kernelSize` (DCGAN's); `nearest`, each pixel copied to a 2×2 block, then a 3×3
   * stride-1 convolution (the resize-convolution of Odena, Dumoulin & Olah 2016, as BigGAN's and
   * StyleGAN's generators upsample), so a flat input gives a flat output: no pixel-pair or
   * checkerboard pattern is built in (one can still be learned); at `kernelSize` 4, 2.25 times the
   * multiply-adds per stage (9 taps per output pixel, where the transposed convolution has 4).
   * @default 'transposed'
   */
  upsampling?: Upsampling
  /**
   * End the generator at full resolution, as SNGAN's DCGAN generator does (Miyato et al. 2018): the
   * last ×2 upsampling makes this many feature maps (with BN and LeakyReLU), and a 3×3 stride-1
   * convolution turns them into the image, so each pixel is drawn from a neighbourhood of
   * full-resolution features instead of by the upsampling alone. 0: the last upsampling makes the
   * image (a residual generator always has the output convolution: 0 makes its last block as wide
   * as the last generator filter). @default 0
   */
  outputFilters?: number
  /**
   * Start the discriminator at full resolution, as SNGAN's does: a 3×3 stride-1 convolution makes
   * this many feature maps (with LeakyReLU) before the first stride-2 one, so the discriminator
   * judges pixel-level detail such as edges before it downsamples. 0: the first convolution strides. @default 0
   */
  inputFilters?: number
  /**
   * The generator's ×2 stages: `plain`, one upsampling each, with BN and LeakyReLU (DCGAN's);
   * `residual`, one pre-activation residual block each, as SNGAN's ResNet generator has (Miyato et
   * al. 2018, after Gulrajani et al. 2017): BN → LeakyReLU → upsampling (as `upsampling` says) →
   * BN → LeakyReLU → Conv2D(3×3), added to a shortcut of nearest ×2 → Conv2D(1×1), so each stage
   * refines what the stage before drew instead of redrawing it; then BN → LeakyReLU → Conv2D(3×3)
   * → tanh makes the image at full resolution (the last block makes `outputFilters` maps, or as
   * many as the last generator filter). At 32×32 about three times the multiply-adds of a `plain`
   * generator with `outputFilters` 64, eight times one without. @default 'plain'
   */
  generatorBlocks?: GeneratorBlocks
  /**
   * What the generator's convolutions see past the border: `zeros`, TF.js's `same` padding (DCGAN's
   * and SNGAN's), so that the border itself is a signal the generator can draw fixed-position marks
   * from; `reflect`, the feature maps mirrored (CycleGAN's and pix2pixHD's generators): every 3×3
   * convolution becomes {@link ReflectionPadding2D}(1) → Conv2D(valid), and a transposed one
   * ReflectionPadding2D(1) → Conv2DTranspose(valid) → Cropping2D, which keeps `same`'s alignment
   * while giving the border pixels as many inputs as the others. Same weights; the 3×3
   * convolutions do the same multiply-adds, a transposed one also computes the rows it crops
   * ((n + 2)² / n² of them on an n×n input). The discriminator keeps zeros. @default 'zeros'
   */
  generatorPadding?: GeneratorPadding
  /** Seed of the weight initialisers, so a run is repeatable. @default 1 */
  seed: number
  /**
   * Number of classes of a conditional pair, 0 for an unconditional one. A conditional generator
   * takes a second input, the class index (`[1]`), whose embedding meets the latent as
   * `labelConditioning` says; the discriminator adds a projection term (Miyato & Koyama 2018). @default 0
   */
  classes?: number
  /**
   * How a conditional generator's class embedding (`latentSize` wide) meets the latent: `multiply`
   * scales the latent by it (the Keras AC-GAN example's way), so the class shows only in which
   * latent directions are stressed and averages out over latents; `concat` appends it to the latent
   * (conditional GANs as Mirza & Osindero 2014 wrote them), so the first layer gets a term of the
   * class alone; `batchnorm` leaves the latent alone and makes every batch norm of the generator
   * class-conditional instead (de Vries et al. 2017; SNGAN-projection's and BigGAN's generators):
   * each normalises without a trained scale and shift, then takes a scale and a shift per class from
   * two Embedding(classes, channels) tables (per feature for the plain generator's BN on its Dense
   * layer's output), starting at 1 and 0, so the class steers every stage. @default 'multiply'
   */
  labelConditioning?: LabelConditioning
  /** Wrap the discriminator's convolutions and its Dense layer in {@link SpectralNormalization}. @default false */
  spectralNorm?: boolean
  /**
   * With `spectralNorm` and `classes`: wrap the projection's class embedding too, as SNGAN-projection
   * (Miyato & Koyama 2018) and BigGAN do, so the label term cannot outgrow the normalised logit. @default false
   */
  spectralNormProjection?: boolean
  /**
   * Give a conditional discriminator a second output: one logit per class, from a Dense layer on
   * the same features as its real/fake logit (the auxiliary classifier of AC-GAN, Odena et al.
   * 2017), which the class loss trains. @default false
   */
  auxiliaryClassifier?: boolean
  /**
   * Give the discriminator a decoder, as FastGAN's self-supervised discriminator has (Liu et al.
   * 2021): from the feature maps of its last strided convolution back to an image of the input's
   * shape, so that the reconstruction loss can make its features describe the whole image rather
   * than only what tells real from fake. One stage per strided convolution, each nearest ×2
   * upsampling → Conv2D(3×3) with a quarter of the matching convolution's filters (at least 8) →
   * LeakyReLU, widest first, then Conv2D(3×3) to the image's channels → tanh; no spectral norm (the
   * decoder is outside the logit's path). Its output comes last among D's outputs. @default false
   */
  decoder?: boolean
  /**
   * Give the discriminator a second judge on features learnt elsewhere (pretrained-features.ts):
   * the image, composited over white, through the first stages of a frozen MobileNetV2 (from the
   * npm package nsfwjs, MIT), its maps' means at three of its depths judged by their own linear logit
   * and projection term, added to D's times a trainable gain that starts at 0. As Projected GAN (Sauer et al. 2021) and Vision-aided GAN (Kumari
   * et al. 2022), for datasets too small for D to learn what images look like from them alone. The
   * frozen layers are saved with D (215 kB) and take no gradient step. @default false
   */
  pretrainedFeatures?: boolean
  /**
   * How D judges the pretrained features (pretrained-features.ts): `linear`, as above; `projected`,
   * as Projected GAN's discriminator (Sauer et al. 2021): each of the three maps through fixed random
   * 1×1 projections and mixed with the deeper maps, then judged by a small convolutional head of its
   * own with its own logit and projection term, the three verdicts added to D's from the first step
   * (no gain). Only with `pretrainedFeatures`. @default 'linear'
   */
  featureJudge?: FeatureJudge
  /**
   * Enlarge the image this many times (bilinear) before the frozen network, nearer the size it was
   * trained at (StyleGAN-XL feeds 224 pixels). Only with `pretrainedFeatures`. @default 1
   */
  featureUpsampling?: number
}

const LEAKY_ALPHA = 0.2

/** Value range of the generator's output (its last activation is tanh); real images are scaled to it. */
export const DCGAN_RANGE = [-1, 1] as const

/** The ways a conditional generator takes its class: see {@link DcganConfig.labelConditioning}. */
export const LABEL_CONDITIONINGS = ['multiply', 'concat', 'batchnorm'] as const
export type LabelConditioning = (typeof LABEL_CONDITIONINGS)[number]

/** The ways the generator's stages upsample: see {@link DcganConfig.upsampling}. */
export const UPSAMPLINGS = ['transposed', 'nearest'] as const
export type Upsampling = (typeof UPSAMPLINGS)[number]

/** The kinds of the generator's ×2 stages: see {@link DcganConfig.generatorBlocks}. */
export const GENERATOR_BLOCKS = ['plain', 'residual'] as const
export type GeneratorBlocks = (typeof GENERATOR_BLOCKS)[number]

/** What the generator's convolutions pad with: see {@link DcganConfig.generatorPadding}. */
export const GENERATOR_PADDINGS = ['zeros', 'reflect'] as const
export type GeneratorPadding = (typeof GENERATOR_PADDINGS)[number]

/** Names of a conditional model's inputs: the latent (or image) first, then the class index. */
export const LABEL_INPUT = 'label'

/** DCGAN weights start from N(0, 0.02), as in Radford et al. 2015. */
function init(seed: number) {
  return tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed })
}

/**
 * Dense → BN → LeakyReLU → Reshape → (Up → BN → LeakyReLU)* → Up → tanh, where Up is a
 * Conv2DTranspose (stride 2) or, with `upsampling: 'nearest'`, UpSampling2D(2) → Conv2D(3×3); with
 * `outputFilters`, the last Up is followed by BN → LeakyReLU → Conv2D(3×3) → tanh. With
 * `generatorBlocks: 'residual'`: Dense → Reshape → one residual block per ×2 stage → BN → LeakyReLU
 * → Conv2D(3×3) → tanh. Output: NHWC images in [-1, 1]. Unconditional plain: a Sequential model;
 * otherwise a functional one, conditional ones with inputs `[latent, label]`, the latent multiplied
 * by Embedding(classes, latentSize)(label), with `labelConditioning: 'concat'` followed by it, or
 * with `'batchnorm'` every BN class-conditional.
 */
export function buildGenerator(cfg: DcganConfig): tfl.LayersModel {
  checkImageSize(cfg)
  if (isSequential(cfg)) return tfl.sequential({ name: 'generator', layers: plainGenerator(cfg, batchNorm) })
  const latent = tfl.input({ shape: [cfg.latentSize], name: 'latent' })
  const label = cfg.classes ? tfl.input({ shape: [1], name: LABEL_INPUT, dtype: 'int32' }) : undefined
  const norm = label && cfg.labelConditioning === 'batchnorm' ? classBatchNorm(cfg.classes!, label) : batchNorm
  let x = latent
  if (label && cfg.labelConditioning !== 'batchnorm') {
    const embedded = tfl.layers.flatten().apply(
      tfl.layers
        .embedding({
          inputDim: cfg.classes!,
          outputDim: cfg.latentSize,
          embeddingsInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: cfg.seed + 400 }),
        })
        .apply(label),
    ) as tfl.SymbolicTensor
    const meet = cfg.labelConditioning === 'concat' ? tfl.layers.concatenate() : tfl.layers.multiply()
    x = meet.apply([latent, embedded]) as tfl.SymbolicTensor
  }
  const image = cfg.generatorBlocks === 'residual' ? residualGenerator(cfg, x, norm) : chain(x, plainGenerator(cfg, norm))
  return tfl.model({ name: 'generator', inputs: label ? [latent, label] : latent, outputs: image })
}

/** Whether the generator is a Sequential model (unconditional and plain), whose first layer declares the input. */
function isSequential(cfg: DcganConfig): boolean {
  return !cfg.classes && cfg.generatorBlocks !== 'residual'
}

/** The latent's Dense layer and Reshape to the smallest feature maps, `generatorFilters[0]` of them. */
function generatorStem(cfg: DcganConfig): [tfl.layers.Layer, tfl.layers.Layer] {
  const first = cfg.generatorFilters[0]!
  const scale = 2 ** cfg.generatorFilters.length
  const [h0, w0] = [cfg.height / scale, cfg.width / scale]
  return [
    tfl.layers.dense({
      ...(isSequential(cfg) ? { inputShape: [cfg.latentSize] } : {}),
      units: h0 * w0 * first,
      useBias: false,
      kernelInitializer: init(cfg.seed),
    }),
    tfl.layers.reshape({ targetShape: [h0, w0, first] }),
  ]
}

type ConvArgs = { filters: number; useBias?: boolean; activation?: 'tanh'; kernelInitializer: ReturnType<typeof init> }

/** One ×2 upsampling: a stride-2 transposed convolution, or nearest-neighbour upsampling and a 3×3 convolution. */
function upsample(cfg: DcganConfig, args: ConvArgs): tfl.layers.Layer[] {
  if (cfg.upsampling === 'nearest') return [tfl.layers.upSampling2d({ size: [2, 2] }), ...conv3x3(cfg, args)]
  const k = cfg.kernelSize
  if (cfg.generatorPadding !== 'reflect') return [tfl.layers.conv2dTranspose({ ...args, kernelSize: k, strides: 2, padding: 'same' })]
  // `same` crops the full output by floor((k − 2) / 2) before and the rest of k − 2 after (nothing
  // below k = 2); each mirrored input pixel adds 2 output pixels (the stride) on its side.
  const overlap = Math.max(k - 2, 0)
  const before = 2 + Math.floor(overlap / 2)
  const after = 2 + Math.ceil(overlap / 2)
  return [
    new ReflectionPadding2D({ padding: 1 }),
    tfl.layers.conv2dTranspose({ ...args, kernelSize: k, strides: 2, padding: 'valid' }),
    tfl.layers.cropping2D({
      cropping: [
        [before, after],
        [before, after],
      ],
    }),
  ]
}

/** A 3×3 stride-1 convolution that keeps the size of its input, padded as `generatorPadding` says. */
function conv3x3(cfg: DcganConfig, args: ConvArgs): tfl.layers.Layer[] {
  return cfg.generatorPadding === 'reflect'
    ? [new ReflectionPadding2D({ padding: 1 }), tfl.layers.conv2d({ ...args, kernelSize: 3, padding: 'valid' })]
    : [tfl.layers.conv2d({ ...args, kernelSize: 3, padding: 'same' })]
}

/**
 * A step of the generator: a layer, or a function of the tensor that applies several (a
 * class-conditional batch norm, which also reads the label). An unconditional plain generator has
 * layers only, the steps of its Sequential model.
 */
type Step = tfl.layers.Layer | ((x: tfl.SymbolicTensor) => tfl.SymbolicTensor)

/** Makes the generator's batch norms: {@link batchNorm}, or {@link classBatchNorm}'s. */
type Norm<S extends Step = Step> = () => S

/** A plain batch norm, with its own scale and shift: a layer. */
const batchNorm: Norm<tfl.layers.Layer> = () => tfl.layers.batchNormalization()

/**
 * Batch norms that take their scale and shift from the class (see {@link DcganConfig.labelConditioning}):
 * BN without a trained scale and shift, times Embedding(classes, channels)(label) (starting at 1), plus a
 * second (starting at 0), each reshaped to broadcast over the maps' positions (on a vector, a scale
 * and a shift per feature).
 */
function classBatchNorm(classes: number, label: tfl.SymbolicTensor): Norm {
  return () => (x) => {
    const channels = x.shape.at(-1) as number
    const perClass = (initializer: 'ones' | 'zeros') =>
      chain(label, [
        tfl.layers.embedding({ inputDim: classes, outputDim: channels, embeddingsInitializer: initializer }),
        tfl.layers.reshape({ targetShape: [...x.shape.slice(1, -1).map(() => 1), channels] }),
      ])
    // Its own scale and shift stay 1 and 0 (not trained): TF.js's BN reads them when training even
    // with `center` and `scale` false.
    const normed = tfl.layers.batchNormalization({ trainable: false }).apply(x) as tfl.SymbolicTensor
    const scaled = tfl.layers.multiply().apply([normed, perClass('ones')]) as tfl.SymbolicTensor
    return tfl.layers.add().apply([scaled, perClass('zeros')]) as tfl.SymbolicTensor
  }
}

/** The plain generator's steps, from the latent (or the latent met by its label) to the image: layers, with {@link batchNorm}. */
function plainGenerator<S extends Step>(cfg: DcganConfig, norm: Norm<S>): Array<tfl.layers.Layer | S> {
  const stages = cfg.generatorFilters.length
  const [dense, reshape] = generatorStem(cfg)
  const layers: Array<tfl.layers.Layer | S> = [dense, norm(), tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA }), reshape]
  cfg.generatorFilters.slice(1).forEach((filters, i) => {
    layers.push(
      ...upsample(cfg, { filters, useBias: false, kernelInitializer: init(cfg.seed + 1 + i) }),
      norm(),
      tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA }),
    )
  })
  const outputFilters = cfg.outputFilters ?? 0
  layers.push(
    ...upsample(
      cfg,
      outputFilters
        ? { filters: outputFilters, useBias: false, kernelInitializer: init(cfg.seed + stages) }
        : { filters: cfg.channels, activation: 'tanh', kernelInitializer: init(cfg.seed + 100) },
    ),
  )
  if (outputFilters) layers.push(...preActivation(norm), ...outputConv(cfg))
  return layers
}

/** The residual generator (see {@link DcganConfig.generatorBlocks}) applied to `x`. */
function residualGenerator(cfg: DcganConfig, x: tfl.SymbolicTensor, norm: Norm): tfl.SymbolicTensor {
  const widths = residualWidths(cfg)
  let maps = chain(x, generatorStem(cfg))
  for (let i = 1; i < widths.length; i++) {
    const filters = widths[i]!
    const seed = cfg.seed + 1000 + 10 * i
    const main = chain(maps, [
      ...preActivation(norm),
      ...upsample(cfg, { filters, useBias: false, kernelInitializer: init(seed) }),
      ...preActivation(norm),
      ...conv3x3(cfg, { filters, kernelInitializer: init(seed + 1) }),
    ])
    const shortcut = chain(maps, [
      tfl.layers.upSampling2d({ size: [2, 2] }),
      tfl.layers.conv2d({ filters, kernelSize: 1, useBias: false, kernelInitializer: init(seed + 2) }),
    ])
    maps = tfl.layers.add().apply([main, shortcut]) as tfl.SymbolicTensor
  }
  return chain(maps, [...preActivation(norm), ...outputConv(cfg)])
}

/** The residual generator's widths: the dense layer's maps, then each block's (the last `outputFilters`, or as the block before). */
export function residualWidths(cfg: Pick<DcganConfig, 'generatorFilters' | 'outputFilters'>): number[] {
  return [...cfg.generatorFilters, cfg.outputFilters || cfg.generatorFilters.at(-1)!]
}

/** BN → LeakyReLU: what precedes each of the generator's convolutions but its first. */
function preActivation<S extends Step>(norm: Norm<S>): Array<tfl.layers.Layer | S> {
  return [norm(), tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA })]
}

/** The generator's last layer at full resolution: Conv2D(3×3) to the image's channels → tanh. */
function outputConv(cfg: DcganConfig): tfl.layers.Layer[] {
  return conv3x3(cfg, { filters: cfg.channels, activation: 'tanh', kernelInitializer: init(cfg.seed + 100) })
}

/**
 * Strided convs with LeakyReLU → Flatten → Dense(1): one logit per image (real > 0). Conditional:
 * inputs `[image, label]`, and the logit gains features · Embedding(classes, features)(label); with
 * `auxiliaryClassifier`, a second output, Dense(classes) on the features; with `decoder`, a last
 * output, the image decoded from the last convolution's feature maps.
 */
export function buildDiscriminator(cfg: DcganConfig): tfl.LayersModel {
  if (cfg.auxiliaryClassifier && !cfg.classes) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      'auxiliaryClassifier needs classes (a conditional discriminator): pass classes ≥ 2, or leave auxiliaryClassifier out.',
    )
  }
  checkImageSize(cfg)
  // A named layer's wrapper takes its name, which its weights' names start with.
  const normed = (layer: tfl.layers.Layer, name?: string) =>
    cfg.spectralNorm ? new SpectralNormalization({ layer, ...(name ? { name } : {}) }) : layer
  const functional = cfg.spectralNorm || cfg.classes || cfg.decoder || cfg.pretrainedFeatures
  const convs: tfl.layers.Layer[] = []
  // Each conv (the first one declaring the input of a Sequential D) with its activation.
  const conv = (args: Parameters<typeof tfl.layers.conv2d>[0]) =>
    convs.push(
      normed(
        tfl.layers.conv2d({
          ...(convs.length === 0 && !functional ? { inputShape: [cfg.height, cfg.width, cfg.channels] } : {}),
          padding: 'same',
          ...args,
        }),
      ),
      tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA }),
    )
  if (cfg.inputFilters) conv({ filters: cfg.inputFilters, kernelSize: 3, kernelInitializer: init(cfg.seed + 700) })
  cfg.discriminatorFilters.forEach((filters, i) =>
    conv({ filters, kernelSize: cfg.kernelSize, strides: 2, kernelInitializer: init(cfg.seed + 200 + i) }),
  )
  const flatten = tfl.layers.flatten()
  const logit = normed(tfl.layers.dense({ units: 1, kernelInitializer: init(cfg.seed + 300) }))
  if (!functional) return tfl.sequential({ name: 'discriminator', layers: [...convs, flatten, logit] })
  const image = tfl.input({ shape: [cfg.height, cfg.width, cfg.channels], name: 'image' })
  const maps = chain(image, convs)
  const features = flatten.apply(maps) as tfl.SymbolicTensor
  const label = cfg.classes ? tfl.input({ shape: [1], name: LABEL_INPUT, dtype: 'int32' }) : undefined
  // The logit of `features`, plus with a label the projection term (Miyato & Koyama 2018).
  // `name`, when given, names the projection's embedding.
  const judge = (features: tfl.SymbolicTensor, logit: tfl.layers.Layer, seed: number, name?: string) => {
    const unconditional = logit.apply(features) as tfl.SymbolicTensor
    if (!label) return unconditional
    const featureSize = features.shape[1] as number
    const table = tfl.layers.embedding({
      inputDim: cfg.classes!,
      outputDim: featureSize,
      embeddingsInitializer: init(seed),
      ...(name ? { name } : {}),
    })
    const embedded = tfl.layers
      .flatten()
      .apply((cfg.spectralNormProjection ? normed(table, name) : table).apply(label)) as tfl.SymbolicTensor
    const projection = tfl.layers.dot({ axes: 1 }).apply([features, embedded]) as tfl.SymbolicTensor
    return tfl.layers.add().apply([unconditional, projection]) as tfl.SymbolicTensor
  }
  let output = judge(features, logit, cfg.seed + 500)
  if (cfg.pretrainedFeatures) {
    const featureJudge = cfg.featureJudge ?? 'linear'
    const seen = pretrainedFeatures(image, featureJudge, { seed: cfg.seed + 1000, normed, upsampling: cfg.featureUpsampling })
    // One logit and projection per feature vector: `features_logit` (linear), `features_logit_<i>` (projected).
    const verdicts = seen.map((features, i) => {
      const suffix = featureJudge === 'linear' ? '' : `_${i}`
      const logitName = `${FEATURES_PREFIX}logit${suffix}`
      const seenLogit = normed(tfl.layers.dense({ units: 1, kernelInitializer: init(cfg.seed + 950 + 20 * i), name: logitName }), logitName)
      return judge(features, seenLogit, cfg.seed + 960 + 20 * i, `${FEATURES_PREFIX}projection${suffix}`)
    })
    // The linear judge's say grows from 0 (a warm start's D judges as it did); the projected judges count from the start, as Projected GAN's are its whole D.
    const weighed =
      featureJudge === 'linear' ? [new Gain({ name: `${FEATURES_PREFIX}gain` }).apply(verdicts[0]!) as tfl.SymbolicTensor] : verdicts
    output = tfl.layers.add().apply([output, ...weighed]) as tfl.SymbolicTensor
  }
  const outputs = [output]
  if (cfg.auxiliaryClassifier) {
    outputs.push(
      normed(tfl.layers.dense({ units: cfg.classes!, kernelInitializer: init(cfg.seed + 600) })).apply(features) as tfl.SymbolicTensor,
    )
  }
  if (cfg.decoder) outputs.push(chain(maps, decoderLayers(cfg)))
  return tfl.model({ name: 'discriminator', inputs: label ? [image, label] : image, outputs: outputs.length === 1 ? output : outputs })
}

/**
 * Check that the image size suits the networks: the generator upsamples ×2 once per generator
 * filter, and a decoder rebuilds the image from the last of D's stride-2 convolutions, so the
 * width and height must divide by 2 to the power of each count. The builders call it, and `train()`
 * before a backend starts.
 * @throws TrainError `ERR_INVALID_OPTION` naming the most filters that fit.
 */
export function checkImageSize(cfg: Pick<DcganConfig, 'width' | 'height' | 'generatorFilters' | 'discriminatorFilters' | 'decoder'>): void {
  const halvings = Math.min(twos(cfg.width), twos(cfg.height))
  const generator = cfg.generatorFilters.length
  if (generator > halvings) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `image size ${cfg.width}×${cfg.height} is not divisible by 2^${generator} = ${2 ** generator} (one ×2 upsampling per generator filter): use at most ${halvings} generator filters, or resize the images.`,
    )
  }
  const discriminator = cfg.discriminatorFilters.length
  if (cfg.decoder && discriminator > halvings) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `the reconstruction decoder cannot rebuild ${cfg.width}×${cfg.height} images from ${discriminator} stride-2 convolutions (the size is not divisible by 2^${discriminator} = ${2 ** discriminator}): use at most ${halvings} discriminator filters, or leave --reconstruction out.`,
    )
  }
}

/** How many times `n` divides by 2. */
function twos(n: number): number {
  let count = 0
  while (n > 0 && n % 2 === 0) [n, count] = [n / 2, count + 1]
  return count
}

/** The decoder's filters, one per stage from D's smallest feature maps up: a quarter of D's filters in reverse order, at least 8. */
export function decoderFilters(discriminatorFilters: readonly number[]): number[] {
  return [...discriminatorFilters].reverse().map((filters) => Math.max(8, Math.ceil(filters / 4)))
}

/** The layers of {@link DcganConfig.decoder}: one ×2 stage per strided convolution, then the image. */
function decoderLayers(cfg: DcganConfig): tfl.layers.Layer[] {
  const stages = decoderFilters(cfg.discriminatorFilters).flatMap((filters, i) => [
    tfl.layers.upSampling2d({ size: [2, 2] }),
    tfl.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: init(cfg.seed + 800 + i),
    }),
    tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA }),
  ])
  const image = tfl.layers.conv2d({
    filters: cfg.channels,
    kernelSize: 3,
    padding: 'same',
    activation: 'tanh',
    kernelInitializer: init(cfg.seed + 900),
  })
  return [...stages, image]
}

function chain(input: tfl.SymbolicTensor, steps: readonly Step[]): tfl.SymbolicTensor {
  let x = input
  for (const step of steps) x = typeof step === 'function' ? step(x) : (step.apply(x) as tfl.SymbolicTensor)
  return x
}
