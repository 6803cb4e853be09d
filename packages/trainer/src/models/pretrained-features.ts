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
 * The discriminator's branch on features learnt elsewhere (Projected GAN, Sauer et al. 2021;
 * Vision-aided GAN, Kumari et al. 2022): the image through {@link FeatureInput} and the frozen
 * MobileNetV2 prefix (mobilenet-v2.ts), and at each of {@link FEATURE_TAPS} the mean of each map
 * over the image, side by side: 72 features (16 + 24 + 32), which the discriminator judges with a
 * linear logit of their own, as Vision-aided GAN's linear heads do.
 */
export function pretrainedFeatures(image: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const { weights } = loadMobileNetV2()
  const rgb = new FeatureInput({ name: 'feature_input' }).apply(image) as tfl.SymbolicTensor
  const taps = mobileNetV2Features(rgb, weights, FEATURE_TAPS)
  // Applying the layers built them and copied the weights into their variables.
  tf.dispose(Object.values(weights))
  const pooled = taps.map((tap) => tfl.layers.globalAveragePooling2d({}).apply(tap) as tfl.SymbolicTensor)
  return tfl.layers.concatenate().apply(pooled) as tfl.SymbolicTensor
}

/** Floats of the branch's layer outputs for one `height`×`width` image (a memory estimate): the input, the frozen prefix, the means. */
export function pretrainedFeatureFloats(height: number, width: number): number {
  const means = FEATURE_TAPS.reduce<number>((sum, tap) => sum + MOBILENET_V2_BLOCKS[tap]![1], 0)
  return height * width * 3 + mobileNetV2Floats(height, width, Math.max(...FEATURE_TAPS)) + means
}
