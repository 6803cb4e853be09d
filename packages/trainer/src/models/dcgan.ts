import * as tfl from '@tensorflow/tfjs-layers'
import { TrainError } from '../errors.js'

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
  /** Kernel size of every (transposed) convolution; 4 divides stride 2 evenly (no checkerboard). @default 4 */
  kernelSize: number
  /** Seed of the weight initialisers, so a run is repeatable. @default 1 */
  seed: number
}

const LEAKY_ALPHA = 0.2

/** Value range of the generator's output (its last activation is tanh); real images are scaled to it. */
export const DCGAN_RANGE = [-1, 1] as const

/** DCGAN weights start from N(0, 0.02), as in Radford et al. 2015. */
function init(seed: number) {
  return tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed })
}

/**
 * Dense → BN → LeakyReLU → Reshape → (Conv2DTranspose → BN → LeakyReLU)* → Conv2DTranspose → tanh.
 * Output: NHWC images in [-1, 1].
 */
export function buildGenerator(cfg: DcganConfig): tfl.Sequential {
  const stages = cfg.generatorFilters.length
  const scale = 2 ** stages
  if (cfg.width % scale !== 0 || cfg.height % scale !== 0) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `image size ${cfg.width}×${cfg.height} is not divisible by 2^${stages} = ${scale} (one ×2 upsampling per generator filter). Use ${stages - 1} generator filters or resize the images.`,
    )
  }
  const h0 = cfg.height / scale
  const w0 = cfg.width / scale
  const first = cfg.generatorFilters[0]!
  const g = tfl.sequential({ name: 'generator' })
  g.add(tfl.layers.dense({ inputShape: [cfg.latentSize], units: h0 * w0 * first, useBias: false, kernelInitializer: init(cfg.seed) }))
  g.add(tfl.layers.batchNormalization())
  g.add(tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA }))
  g.add(tfl.layers.reshape({ targetShape: [h0, w0, first] }))
  cfg.generatorFilters.slice(1).forEach((filters, i) => {
    g.add(
      tfl.layers.conv2dTranspose({
        filters,
        kernelSize: cfg.kernelSize,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: init(cfg.seed + 1 + i),
      }),
    )
    g.add(tfl.layers.batchNormalization())
    g.add(tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA }))
  })
  g.add(
    tfl.layers.conv2dTranspose({
      filters: cfg.channels,
      kernelSize: cfg.kernelSize,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: init(cfg.seed + 100),
    }),
  )
  return g
}

/** Strided convs with LeakyReLU → Flatten → Dense(1): one logit per image (real > 0). */
export function buildDiscriminator(cfg: DcganConfig): tfl.Sequential {
  const d = tfl.sequential({ name: 'discriminator' })
  cfg.discriminatorFilters.forEach((filters, i) => {
    d.add(
      tfl.layers.conv2d({
        ...(i === 0 ? { inputShape: [cfg.height, cfg.width, cfg.channels] } : {}),
        filters,
        kernelSize: cfg.kernelSize,
        strides: 2,
        padding: 'same',
        kernelInitializer: init(cfg.seed + 200 + i),
      }),
    )
    d.add(tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA }))
  })
  d.add(tfl.layers.flatten())
  d.add(tfl.layers.dense({ units: 1, kernelInitializer: init(cfg.seed + 300) }))
  return d
}
