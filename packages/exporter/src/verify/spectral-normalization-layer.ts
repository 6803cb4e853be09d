import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

type LayerVariable = ReturnType<tfl.layers.Layer['addWeight']>
type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>
type Shape = Array<number | null>

/** The wrapped layer's settings that the forward pass uses (TF.js's camelCase, as fromConfig gets them). */
interface Wrapped {
  className: 'Conv2D' | 'Dense' | 'Embedding'
  config: {
    inputDim?: number
    outputDim?: number
    units?: number
    filters?: number
    kernelSize?: number | number[]
    strides?: number | number[]
    padding?: 'same' | 'valid'
    useBias?: boolean
  }
}

/** ‖x‖ below this counts as zero, so a zero vector normalises to zero instead of NaN. */
const NORM_EPSILON = 1e-12
const l2normalize = (x: tf.Tensor) => tf.div(x, tf.maximum(tf.norm(x), NORM_EPSILON))
const pair = (v: number | number[] | undefined, fallback: number): [number, number] =>
  Array.isArray(v) ? [v[0]!, v[1]!] : [v ?? fallback, v ?? fallback]

/**
 * An inference-only TF.js `SpectralNormalization` (the trainer's layer, as agreed): the wrapped
 * Conv2D, Dense or Embedding runs with W / σ, σ from one power iteration from the stored `u`
 * (v = l2norm(Wᵀu), u' = l2norm(W v), σ = u'ᵀ W v, W as [out, rest]). Its weights are
 * `<name>/kernel`, `<name>/bias`, `<name>/u` (an Embedding's `<name>/embeddings`, `<name>/u`), like
 * the trainer's. Verification registers it when no class of that name is registered, so a model
 * saved by the trainer loads in the exporter to be compared with its conversion, without the
 * exporter importing the trainer; tests build models with it.
 */
export class SpectralNormalization extends tfl.layers.Layer {
  static className = 'SpectralNormalization'
  readonly wrapped: Wrapped
  /** The weight matrix: a Conv2D's or Dense's kernel, an Embedding's table. */
  private kernel: LayerVariable | undefined
  private bias: LayerVariable | undefined
  private u: LayerVariable | undefined

  constructor(args: LayerArgs & { layer: Wrapped }) {
    super(args)
    this.wrapped = args.layer
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape
    const { className, config } = this.wrapped
    const input = shape[shape.length - 1]!
    const matrix = {
      Dense: { name: 'kernel', shape: [input, config.units!] },
      Conv2D: { name: 'kernel', shape: [...pair(config.kernelSize, 1), input, config.filters!] },
      Embedding: { name: 'embeddings', shape: [config.inputDim!, config.outputDim!] },
    }[className]
    const out = matrix.shape.at(-1)!
    this.kernel = this.addWeight(matrix.name, matrix.shape, 'float32', tfl.initializers.glorotNormal({ seed: 1 }))
    if (className !== 'Embedding' && config.useBias !== false)
      this.bias = this.addWeight('bias', [out], 'float32', tfl.initializers.zeros())
    this.u = this.addWeight('u', [1, out], 'float32', tfl.initializers.randomNormal({ seed: 2 }), undefined, false)
    this.built = true
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape
    const { className, config } = this.wrapped
    if (className === 'Dense') return [...shape.slice(0, -1), config.units!]
    if (className === 'Embedding') return [...shape, config.outputDim!]
    const [kh, kw] = pair(config.kernelSize, 1)
    const [sh, sw] = pair(config.strides, 1)
    const side = (n: number | null, k: number, s: number) =>
      n === null ? null : config.padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1
    return [shape[0]!, side(shape[1]!, kh, sh), side(shape[2]!, kw, sw), config.filters!]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs
      const kernel = this.kernel!.read()
      const out = kernel.shape[kernel.shape.length - 1]!
      const w = tf.transpose(tf.reshape(kernel, [-1, out])) as tf.Tensor2D
      const v = l2normalize(tf.matMul(this.u!.read() as tf.Tensor2D, w)) as tf.Tensor2D
      const wv = tf.matMul(v, w, false, true)
      const sigma = tf.sum(tf.mul(l2normalize(wv), wv))
      const normalized = tf.div(kernel, sigma)
      const { className, config } = this.wrapped
      if (className === 'Embedding') return tf.reshape(tf.gather(normalized, tf.reshape(tf.cast(x, 'int32'), [-1])), [...x.shape, out])
      const y =
        className === 'Dense'
          ? tf.matMul(x as tf.Tensor2D, normalized as tf.Tensor2D)
          : tf.conv2d(x as tf.Tensor4D, normalized as tf.Tensor4D, pair(config.strides, 1), config.padding ?? 'valid')
      return this.bias === undefined ? y : tf.add(y, this.bias.read())
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), layer: this.wrapped as unknown as tf.serialization.ConfigDict }
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config)
  }
}

/** Register {@link SpectralNormalization} for model loading unless a class of that name (the trainer's) already is. */
export function registerSpectralNormalization(): void {
  if (!(SpectralNormalization.className in tf.serialization.SerializationMap.getMap().classNameMap)) {
    tf.serialization.registerClass(SpectralNormalization)
  }
}
