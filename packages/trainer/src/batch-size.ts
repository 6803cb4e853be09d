import { totalmem } from 'node:os'
import type { BackendPreference } from './backend/ladder.js'
import { TrainError } from './errors.js'
import { decoderFilters, residualWidths, type DcganConfig } from './models/dcgan.js'
import { pretrainedFeatureFloats } from './models/pretrained-features.js'

/** Bytes the wasm backend can address (wasm32), less room for weights, optimizer state and fragmentation. */
const WASM_BUDGET = 3 * 2 ** 30

/**
 * Activation memory of one training step per image, in bytes: every layer output of the generator
 * (computed twice: for the discriminator's update and the generator's) and the discriminator (three
 * times: real, fake, and the generator's update; with it the pretrained-feature branch), each held
 * with its gradient, and D's decoder (once: it rebuilds the real images only). An estimate, meant
 * to refuse batch sizes that cannot fit, not to plan memory to the byte.
 */
export function stepBytesPerImage(
  cfg: Pick<
    DcganConfig,
    | 'width'
    | 'height'
    | 'channels'
    | 'generatorFilters'
    | 'discriminatorFilters'
    | 'outputFilters'
    | 'inputFilters'
    | 'upsampling'
    | 'generatorBlocks'
    | 'generatorPadding'
    | 'decoder'
    | 'pretrainedFeatures'
    | 'featureJudge'
    | 'featureUpsampling'
  >,
): number {
  const g =
    (cfg.generatorBlocks === 'residual' ? residualGeneratorFloats(cfg) : plainGeneratorFloats(cfg)) +
    (cfg.generatorPadding === 'reflect' ? reflectionPaddingFloats(cfg) : 0)
  let d = cfg.height * cfg.width * cfg.channels + 2 * cfg.height * cfg.width * (cfg.inputFilters ?? 0)
  cfg.discriminatorFilters.forEach((filters, i) => {
    const scale = 2 ** (i + 1)
    d += 2 * Math.ceil(cfg.height / scale) * Math.ceil(cfg.width / scale) * filters // conv, activation
  })
  if (cfg.pretrainedFeatures) d += pretrainedFeatureFloats(cfg.height, cfg.width, cfg.featureJudge, cfg.featureUpsampling)
  let decoder = 0
  if (cfg.decoder) {
    const depth = cfg.discriminatorFilters.length
    let inputs = cfg.discriminatorFilters.at(-1)!
    decoderFilters(cfg.discriminatorFilters).forEach((filters, i) => {
      const pixels = (cfg.height / 2 ** (depth - 1 - i)) * (cfg.width / 2 ** (depth - 1 - i))
      decoder += pixels * (inputs + 2 * filters) // upsampled input, conv, activation
      inputs = filters
    })
    decoder += 2 * cfg.height * cfg.width * cfg.channels
  }
  return 4 * 2 * (2 * g + 3 * d + decoder)
}

type GeneratorShape = Pick<DcganConfig, 'width' | 'height' | 'channels' | 'generatorFilters' | 'outputFilters' | 'upsampling'>

/** Floats of the plain generator's layer outputs per image. */
function plainGeneratorFloats(cfg: GeneratorShape): number {
  const stages = cfg.generatorFilters.length
  let g = 0
  cfg.generatorFilters.forEach((filters, i) => {
    const scale = 2 ** (stages - i)
    g += 3 * (cfg.height / scale) * (cfg.width / scale) * filters // conv or dense, batch norm, activation
    // Nearest upsampling holds each stage's input again at twice the size, before its convolution.
    if (cfg.upsampling === 'nearest') g += (cfg.height / scale) * (cfg.width / scale) * 4 * filters
  })
  g += 3 * cfg.height * cfg.width * (cfg.outputFilters ?? 0)
  return g + 2 * cfg.height * cfg.width * cfg.channels
}

/** Floats of the residual generator's layer outputs per image. */
function residualGeneratorFloats(cfg: GeneratorShape): number {
  const widths = residualWidths(cfg)
  const stages = cfg.generatorFilters.length
  let g = (cfg.height / 2 ** stages) * (cfg.width / 2 ** stages) * widths[0]! // dense
  for (let i = 1; i < widths.length; i++) {
    const low = (cfg.height / 2 ** (stages - i + 1)) * (cfg.width / 2 ** (stages - i + 1))
    const [inputs, filters] = [widths[i - 1]!, widths[i]!]
    g += 2 * low * inputs // batch norm, activation
    // At twice the size: the shortcut's upsampled input (and the main path's when nearest); the
    // upsampling's conv, BN, activation and 3×3 conv; the shortcut's conv; the sum.
    g += 4 * low * ((cfg.upsampling === 'nearest' ? 2 : 1) * inputs + 6 * filters)
  }
  return g + 2 * cfg.height * cfg.width * (widths.at(-1)! + cfg.channels) // BN, activation; conv, tanh
}

/**
 * Floats that reflection padding adds to the generator per image: each padded convolution's input
 * held again (its border ignored), and a transposed convolution's output before it is cropped
 * (counted at the cropped size).
 */
function reflectionPaddingFloats(cfg: GeneratorShape & Pick<DcganConfig, 'generatorBlocks'>): number {
  const residual = cfg.generatorBlocks === 'residual'
  const widths = residual ? residualWidths(cfg) : [...cfg.generatorFilters, cfg.outputFilters || cfg.channels]
  const stages = cfg.generatorFilters.length
  let g = 0
  for (let i = 1; i < widths.length; i++) {
    const low = (cfg.height / 2 ** (stages - i + 1)) * (cfg.width / 2 ** (stages - i + 1))
    const [inputs, filters] = [widths[i - 1]!, widths[i]!]
    // The upsampling's convolution: nearest pads the upsampled input; transposed, its input, then crops its output.
    g += cfg.upsampling === 'nearest' ? 4 * low * inputs : low * inputs + 4 * low * filters
    if (residual) g += 4 * low * filters // the block's 3×3 convolution
  }
  // The output convolution (a residual generator's always, a plain one's with outputFilters).
  if (residual || cfg.outputFilters) g += cfg.height * cfg.width * widths.at(-1)!
  return g
}

/**
 * Refuse a batch larger than the dataset, or one whose step would not fit in memory (the wasm
 * backend's 4 GB address space, or half the machine's memory for the native backends; `auto`
 * assumes wasm, the backend every machine has).
 * @throws TrainError `ERR_INVALID_OPTION` saying the largest batch size that fits.
 */
export function checkBatchSize(
  batchSize: number,
  datasetSize: number,
  cfg: Parameters<typeof stepBytesPerImage>[0],
  backend: BackendPreference,
): void {
  if (batchSize > datasetSize) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `a batch of ${batchSize} images is larger than the dataset (${datasetSize} images): ${atMost(datasetSize)}.`,
    )
  }
  const native = backend === 'tfjs-node' || backend === 'tfjs-node-gpu'
  const budget = native ? totalmem() / 2 : Math.min(WASM_BUDGET, totalmem() / 2)
  const perImage = stepBytesPerImage(cfg)
  if (batchSize * perImage > budget) {
    const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `a batch of ${batchSize} images needs about ${gb(batchSize * perImage)} per step at ${cfg.width}×${cfg.height}×${cfg.channels}, more than the ${gb(budget)} ${native ? 'this machine can spare' : 'the wasm backend can address'}: ${atMost(Math.floor(budget / perImage))}.`,
    )
  }
}

/** The fix for a batch that is too large, in the CLI's and the API's words. */
function atMost(n: number): string {
  return `pass a batch size of at most ${n} (--batch-size ${n}, or batchSize: ${n})`
}
