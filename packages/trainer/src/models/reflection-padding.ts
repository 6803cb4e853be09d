import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { mirrorPadGrad } from '../backend/mirror-pad-grad.js'
/** The base options of every layer (name, trainable, …); tfjs-layers exports the type only from this file. */
type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0]
type Shape = Array<number | null>

/**
 * Pads NHWC feature maps by `padding` rows and columns on each side with their mirror image, the
 * edge pixel not repeated (`tf.mirrorPad`'s `reflect`, ONNX Pad's `reflect`): what the residual
 * generators of CycleGAN and pix2pixHD put before their convolutions, so a convolution near the
 * border sees content rather than zeros and the border gives no position to draw from. No weights.
 * Serialized as `ReflectionPadding2D` with config `{ padding }`, registered so saved models load.
 */
export class ReflectionPadding2D extends tfl.layers.Layer {
  static className = 'ReflectionPadding2D'
  readonly padding: number
  /** tf.mirrorPad, with mirrorPadGrad's gradient in place of TF.js's, which drops the copies' share. */
  private readonly pad: (x: tf.Tensor) => tf.Tensor

  constructor(args: LayerArgs & { padding?: number } = {}) {
    super(args)
    const padding = args.padding ?? 1
    if (!Number.isInteger(padding) || padding < 1) {
      throw new Error(`ReflectionPadding2D pads by a whole number of pixels ≥ 1, got ${padding}.`)
    }
    this.padding = padding
    const pads: Array<[number, number]> = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ]
    this.pad = tf.customGrad((t) => ({
      value: tf.mirrorPad(t as tf.Tensor4D, pads, 'reflect'),
      gradFunc: (dy) => mirrorPadGrad(dy as tf.Tensor4D, padding),
    })) as (x: tf.Tensor) => tf.Tensor
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, h, w, c] = inputShape as Shape
    const grow = (n: number | null | undefined) => (n == null ? null : n + 2 * this.padding)
    return [batch ?? null, grow(h), grow(w), c ?? null]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D
    const p = this.padding
    if (x.shape[1] <= p || x.shape[2] <= p) {
      throw new Error(`ReflectionPadding2D "${this.name}" cannot mirror ${p} pixels of a ${x.shape[1]}×${x.shape[2]} input.`)
    }
    return this.pad(x)
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding }
  }
}

tf.serialization.registerClass(ReflectionPadding2D)
