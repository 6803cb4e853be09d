import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { loadMobileNetV2, MOBILENET_V2_BLOCKS, mobileNetV2Features, mobileNetV2Floats } from './mobilenet-v2.js'
/** The base options of every layer (name, trainable, …); tfjs-layers exports the type only from this file. */
type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0]
type Shape = Array<number | null>

/** The MobileNetV2 blocks the branch reads: strides 2, 4 and 8 (16×16, 8×8 and 4×4 maps of a 32×32 image). */
export const FEATURE_TAPS = [0, 2, 5] as const
/** Each tap's head: its maps' width, and the side its stride-2 convolutions bring them down to. */
const HEAD_FILTERS = 64
const HEAD_SIDE = 4

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

/**
 * The discriminator's branch on features learnt elsewhere (Projected GAN, Sauer et al. 2021;
 * Vision-aided GAN, Kumari et al. 2022): the image through {@link FeatureInput} and the frozen
 * MobileNetV2 prefix (mobilenet-v2.ts), then at each of {@link FEATURE_TAPS} a trainable head,
 * Conv(64, 3×3) → LeakyReLU, then Conv(64, 4×4, stride 2) → LeakyReLU until the maps are 4×4 or
 * smaller; the heads' maps flattened side by side are the branch's features. `normed` wraps the
 * trainable convolutions (spectral norm where the discriminator has it); `init` gives each its
 * initialiser. Returns the features, which the discriminator turns into a logit of their own.
 */
export function pretrainedFeatures(
  image: tfl.SymbolicTensor,
  normed: (layer: tfl.layers.Layer) => tfl.layers.Layer,
  init: (i: number) => ReturnType<typeof tfl.initializers.randomNormal>,
  leakyAlpha: number,
): tfl.SymbolicTensor {
  const { weights } = loadMobileNetV2()
  const rgb = new FeatureInput({ name: 'feature_input' }).apply(image) as tfl.SymbolicTensor
  const taps = mobileNetV2Features(rgb, weights, FEATURE_TAPS)
  // Applying the layers built them and copied the weights into their variables.
  tf.dispose(Object.values(weights))
  let n = 0
  const conv = (x: tfl.SymbolicTensor, kernelSize: number, strides: number) =>
    tfl.layers
      .leakyReLU({ alpha: leakyAlpha })
      .apply(
        normed(tfl.layers.conv2d({ filters: HEAD_FILTERS, kernelSize, strides, padding: 'same', kernelInitializer: init(n++) })).apply(x),
      ) as tfl.SymbolicTensor
  const heads = taps.map((tap) => {
    let x = conv(tap, 3, 1)
    while ((x.shape[1] as number) > HEAD_SIDE || (x.shape[2] as number) > HEAD_SIDE) x = conv(x, 4, 2)
    return tfl.layers.flatten().apply(x) as tfl.SymbolicTensor
  })
  return tfl.layers.concatenate().apply(heads) as tfl.SymbolicTensor
}

/** Floats of the branch's layer outputs for one `height`×`width` image (a memory estimate): the input, the frozen prefix, the heads. */
export function pretrainedFeatureFloats(height: number, width: number): number {
  let floats = height * width * 3 + mobileNetV2Floats(height, width, Math.max(...FEATURE_TAPS))
  for (const tap of FEATURE_TAPS) {
    // The tap's side: halved (rounding down, mobilenet-v2.ts) by the stem and each stride-2 block up to it.
    const halvings = 1 + MOBILENET_V2_BLOCKS.slice(0, tap + 1).filter(([, , s]) => s === 2).length
    let [h, w] = [height >> halvings, width >> halvings]
    floats += 2 * h * w * HEAD_FILTERS
    while (h > HEAD_SIDE || w > HEAD_SIDE) {
      ;[h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)]
      floats += 2 * h * w * HEAD_FILTERS
    }
  }
  return floats
}
