import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>
type Shape = Array<number | null>
type Edges = number | [number, number] | [[number, number], [number, number]]

/**
 * An inference-only TF.js `ReflectionPadding2D` (the trainer's layer, as agreed): NHWC maps mirrored
 * onto each side by `padding`, the edge not repeated (`tf.mirrorPad`'s `reflect`). Takes what
 * ZeroPadding2D's `padding` takes (n, [h, w] or [[top, bottom], [left, right]]), as Keras ports of
 * this custom layer write it. Verification registers it when no class of that name is registered,
 * so a model saved by the trainer loads in the exporter to be compared with its conversion.
 */
export class ReflectionPadding2D extends tfl.layers.Layer {
  static className = 'ReflectionPadding2D'
  readonly padding: Edges
  private readonly pads: [[number, number], [number, number]]

  constructor(args: LayerArgs & { padding?: Edges }) {
    super(args)
    this.padding = args.padding ?? 1
    const p = this.padding
    this.pads =
      typeof p === 'number'
        ? [
            [p, p],
            [p, p],
          ]
        : typeof p[0] === 'number'
          ? [
              [p[0], p[0]],
              [p[1] as number, p[1] as number],
            ]
          : (p as [[number, number], [number, number]])
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, h, w, c] = inputShape as Shape
    const [[top, bottom], [left, right]] = this.pads
    return [batch ?? null, h == null ? null : h + top + bottom, w == null ? null : w + left + right, c ?? null]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D
    return tf.mirrorPad(x, [[0, 0], ...this.pads, [0, 0]], 'reflect')
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding }
  }
}

/** Register {@link ReflectionPadding2D} for deserialization, unless a class of that name already is (the trainer's). */
export function registerReflectionPadding(): void {
  if (!(ReflectionPadding2D.className in tf.serialization.SerializationMap.getMap().classNameMap)) {
    tf.serialization.registerClass(ReflectionPadding2D)
  }
}
