import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { FeatureInput, registerFeatureLayers } from '@gan-sdk/internal/feature-layers'
import { loadMobileNetV2, MOBILENET_PREFIX, MOBILENET_V2_BLOCKS, mobileNetV2Features, mobileNetV2Floats } from './mobilenet-v2.js'

// Saved discriminators hold them: registered so they load.
registerFeatureLayers()

/** The names of the discriminator's layers that judge the branch's features (its logit, its projection) start with this. */
export const FEATURES_PREFIX = 'features_'

/**
 * Whether a discriminator weight, by its name, belongs to the branch: the frozen network's or its
 * judge's. A discriminator without the branch has the same weights as one with it, less these.
 */
export function isFeatureBranchWeight(name: string): boolean {
  return name.startsWith(MOBILENET_PREFIX) || name.startsWith(FEATURES_PREFIX)
}

/** The MobileNetV2 blocks the branch reads: strides 2, 4 and 8 (16×16, 8×8 and 4×4 maps of a 32×32 image). */
export const FEATURE_TAPS = [0, 2, 5] as const

/**
 * How the discriminator judges the frozen features: `linear`, each map's mean by one linear logit
 * (Vision-aided GAN); `projected`, each map by a small convolutional discriminator of its own after
 * fixed random projections (Projected GAN). See {@link pretrainedFeatures}.
 */
export const FEATURE_JUDGES = ['linear', 'projected'] as const
export type FeatureJudge = (typeof FEATURE_JUDGES)[number]

/** Channels of each tap's map after the fixed random 1×1 projection of the `projected` judge: twice the map's. */
export const PROJECTED_CHANNELS = FEATURE_TAPS.map((tap) => 2 * MOBILENET_V2_BLOCKS[tap]![1])

/** The `projected` judge's heads stride down to maps of this size. */
const HEAD_SIZE = 4

/** Filters of a head's `i`th convolution. */
const headFilters = (i: number) => Math.min(128, 64 * 2 ** i)

/** Wraps a trainable layer of a head (the discriminator's spectral norm, when it has one), naming the wrapper `name`. */
export type Normed = (layer: tfl.layers.Layer, name: string) => tfl.layers.Layer

/**
 * The discriminator's branch on features learnt elsewhere (Projected GAN, Sauer et al. 2021;
 * Vision-aided GAN, Kumari et al. 2022): the image through {@link FeatureInput} and the frozen
 * MobileNetV2 prefix (mobilenet-v2.ts), read at each of {@link FEATURE_TAPS}; with `upsampling`,
 * the image is first enlarged that many times (bilinear), nearer the 224 pixels the network was
 * trained at, as StyleGAN-XL feeds its 32-pixel images to its frozen networks. What it returns, one
 * feature vector per judge, each for a logit (and projection term) of the discriminator's own:
 * - `linear`: one vector, the mean of each map over the image side by side: 72 features
 *   (16 + 24 + 32), as Vision-aided GAN's linear heads judge them.
 * - `projected`: one vector per tap, as Projected GAN builds its discriminator. Each map's channels
 *   go through a fixed random 1×1 convolution to {@link PROJECTED_CHANNELS} (its cross-channel
 *   mixing), each deeper map, upsampled ×2 bilinearly and through a fixed random 1×1 convolution
 *   to the shallower map's channels, is added to it (cross-scale mixing, deepest first), and each
 *   mixed map goes through a head of its own: 4×4 stride-2 convolutions with LeakyReLU (64, then
 *   128 filters) down to 4×4, or one 3×3 convolution (64) when the map is that small already,
 *   flattened. The projections are frozen as the network is; the heads train (with `normed`).
 */
export function pretrainedFeatures(
  image: tfl.SymbolicTensor,
  judge: FeatureJudge = 'linear',
  options: { seed?: number; normed?: Normed; upsampling?: number } = {},
): tfl.SymbolicTensor[] {
  const { weights } = loadMobileNetV2()
  const upsampling = options.upsampling ?? 1
  let rgb = new FeatureInput({ name: 'feature_input' }).apply(image) as tfl.SymbolicTensor
  if (upsampling > 1) {
    const size = [upsampling, upsampling]
    rgb = tfl.layers
      .upSampling2d({ size, interpolation: 'bilinear', name: `${FEATURES_PREFIX}upsampling` })
      .apply(rgb) as tfl.SymbolicTensor
  }
  const taps = mobileNetV2Features(rgb, weights, FEATURE_TAPS)
  // Applying the layers built them and copied the weights into their variables.
  tf.dispose(Object.values(weights))
  if (judge === 'linear') {
    const pooled = taps.map((tap) => tfl.layers.globalAveragePooling2d({}).apply(tap) as tfl.SymbolicTensor)
    return [tfl.layers.concatenate().apply(pooled) as tfl.SymbolicTensor]
  }
  const seed = options.seed ?? 1
  const normed = options.normed ?? ((layer) => layer)
  // A frozen random 1×1 projection, its initialiser seeded `offset` after the branch's seed.
  const fixed = (filters: number, name: string, offset: number) =>
    tfl.layers.conv2d({
      filters,
      kernelSize: 1,
      trainable: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: seed + offset }),
      name,
    })
  const channelMixed = taps.map((tap, i) => fixed(PROJECTED_CHANNELS[i]!, `${FEATURES_PREFIX}ccm_${i}`, i).apply(tap) as tfl.SymbolicTensor)
  const mixed: tfl.SymbolicTensor[] = [channelMixed.at(-1)!]
  for (let i = taps.length - 2; i >= 0; i--) {
    let up = tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(mixed[0]!) as tfl.SymbolicTensor
    // An odd side halved down (7 → 3) comes back a row or column short: padded at the bottom right, as the network pads.
    const [rows, columns] = [0, 1].map((a) => (channelMixed[i]!.shape[a + 1] as number) - (up.shape[a + 1] as number))
    if (rows || columns)
      up = tfl.layers
        .zeroPadding2d({
          padding: [
            [0, rows!],
            [0, columns!],
          ],
        })
        .apply(up) as tfl.SymbolicTensor
    const deeper = fixed(PROJECTED_CHANNELS[i]!, `${FEATURES_PREFIX}csm_${i}`, 10 + i).apply(up) as tfl.SymbolicTensor
    mixed.unshift(tfl.layers.add().apply([channelMixed[i]!, deeper]) as tfl.SymbolicTensor)
  }
  return mixed.map((map, i) => {
    let x = map
    let j = 0
    const conv = (strides: number, kernelSize: number) => {
      const name = `${FEATURES_PREFIX}head_${i}_${j}`
      const layer = tfl.layers.conv2d({
        filters: headFilters(j),
        kernelSize,
        strides,
        padding: 'same',
        kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed + 100 + 10 * i + j }),
        name,
      })
      x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(normed(layer, name).apply(x)) as tfl.SymbolicTensor
      j++
    }
    while (Math.min(x.shape[1] as number, x.shape[2] as number) > HEAD_SIZE) conv(2, 4)
    if (j === 0) conv(1, 3)
    return tfl.layers.flatten().apply(x) as tfl.SymbolicTensor
  })
}

/** Floats of the branch's layer outputs for one `height`×`width` image (a memory estimate): the input (and its enlargement), the frozen prefix, what the judge adds. */
export function pretrainedFeatureFloats(height: number, width: number, judge: FeatureJudge = 'linear', upsampling = 1): number {
  // What the network reads: the image, enlarged.
  const [readHeight, readWidth] = [height * upsampling, width * upsampling]
  const base =
    height * width * 3 +
    (upsampling > 1 ? readHeight * readWidth * 3 : 0) +
    mobileNetV2Floats(readHeight, readWidth, Math.max(...FEATURE_TAPS))
  if (judge === 'linear') return base + FEATURE_TAPS.reduce<number>((sum, tap) => sum + MOBILENET_V2_BLOCKS[tap]![1], 0)
  // The taps' maps: the image halved (rounding down) by the network's strides, 2, 4 and 8.
  const halved = (side: number, times: number): number => (times === 0 ? side : halved(Math.floor(side / 2), times - 1))
  const sides = FEATURE_TAPS.map((_, i) => [halved(readHeight, i + 1), halved(readWidth, i + 1)])
  return sides.reduce<number>((sum, [h, w], i) => {
    const channels = PROJECTED_CHANNELS[i]!
    let floats = h! * w! * channels // its projection
    const deeper = sides[i + 1]
    if (deeper) {
      const up = 4 * deeper[0]! * deeper[1]!
      floats += up * PROJECTED_CHANNELS[i + 1]! + (up < h! * w! ? h! * w! * PROJECTED_CHANNELS[i + 1]! : 0) + 2 * h! * w! * channels // upsampled (padded), projected, added
    }
    // Its head: each convolution and LeakyReLU.
    let [y, x, j] = [h!, w!, 0]
    for (; Math.min(y, x) > HEAD_SIZE; j++) {
      ;[y, x] = [Math.ceil(y / 2), Math.ceil(x / 2)]
      floats += 2 * y * x * headFilters(j)
    }
    if (j === 0) floats += 2 * y * x * headFilters(0)
    return sum + floats
  }, base)
}
