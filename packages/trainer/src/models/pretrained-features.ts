import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { loadMobileNetV2, MOBILENET_PREFIX, MOBILENET_V2_BLOCKS, mobileNetV2Features, mobileNetV2Floats } from './mobilenet-v2.js'
/** The base options of every layer (name, trainable, …); tfjs-layers exports the type only from this file. */
type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0]
type Shape = Array<number | null>

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
 * Turns the generator's images (NHWC in [−1, 1]) into what MobileNetV2 was trained on, RGB in
 * [0, 1]: colour composited over white by its alpha (RGBA), grey repeated to three channels. No
 * weights. Serialized as `FeatureInput`, registered so saved models load.
 */
export class FeatureInput extends tfl.layers.Layer {
  static className = 'FeatureInput'

  constructor(args: LayerArgs = {}) {
    super(args)
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, h, w] = inputShape as Shape
    return [batch ?? null, h ?? null, w ?? null, 3]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D
    return tf.tidy(() => {
      const unit = tf.div(tf.add(x, 1), 2)
      const channels = x.shape[3]
      if (channels === 3) return unit
      if (channels === 1) return tf.tile(unit, [1, 1, 1, 3])
      if (channels === 4) {
        const [rgb, alpha] = tf.split(unit, [3, 1], 3) as [tf.Tensor4D, tf.Tensor4D]
        return tf.add(tf.mul(rgb, alpha), tf.sub(1, alpha))
      }
      throw new Error(`FeatureInput takes 1, 3 or 4 channels, got ${channels}.`)
    })
  }
}

tf.serialization.registerClass(FeatureInput)

type LayerVariable = ReturnType<tfl.layers.Layer['addWeight']>

/**
 * Multiplies its input by one trainable scalar that starts at 0, as SAGAN (Zhang et al. 2019) adds
 * its attention: the feature judge's say in the discriminator's logit. D starts as it would without
 * the judge (a warm start's trained D, exactly) and gives the judge weight as it helps tell real
 * from fake. Serialized as `Gain`, registered so saved models load.
 */
export class Gain extends tfl.layers.Layer {
  static className = 'Gain'
  private gain: LayerVariable | undefined

  constructor(args: LayerArgs = {}) {
    super(args)
  }

  override build(): void {
    this.gain = this.addWeight('gain', [], 'float32', tfl.initializers.zeros())
    this.built = true
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs
    return tf.mul(x, this.gain!.read())
  }
}

tf.serialization.registerClass(Gain)

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
