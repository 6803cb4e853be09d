// The two custom layers of the trainer's feature judge (`--pretrained-features`), shared by the
// trainer, which builds and trains them, and the exporter, which loads a saved discriminator to
// verify its conversion. A subpath of its own (`@gan-sdk/internal/feature-layers`), so that only
// the packages that use TF.js layers bundle it.
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

/** The base options of every layer (name, trainable, …); tfjs-layers exports the type only from this file. */
type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0]
type Shape = Array<number | null>
type LayerVariable = ReturnType<tfl.layers.Layer['addWeight']>

/**
 * Turns the generator's images (NHWC in [−1, 1]) into what MobileNetV2 was trained on, RGB in
 * [0, 1]: colour composited over white by its alpha (RGBA), grey repeated to three channels. No
 * weights. Serialized as `FeatureInput`.
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

/**
 * Multiplies its input by one trainable scalar that starts at 0, as SAGAN (Zhang et al. 2019) adds
 * its attention: the feature judge's say in the discriminator's logit. D starts as it would without
 * the judge (a warm start's trained D, exactly) and gives the judge weight as it helps tell real
 * from fake. Its weight is `<name>/gain`. Serialized as `Gain`.
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

/**
 * Registers {@link FeatureInput} and {@link Gain} for deserialization, each unless a class of its
 * name already is (another bundle's copy of this module: the trainer's and the exporter's are the
 * same code), so saved models that hold them load.
 */
export function registerFeatureLayers(): void {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap
  for (const layer of [FeatureInput, Gain]) if (!(layer.className in registered)) tf.serialization.registerClass(layer)
}
