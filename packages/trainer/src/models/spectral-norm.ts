import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
/** The base options of every layer (name, trainable, …); tfjs-layers exports the type only from this file. */
type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0]

/** The layers {@link SpectralNormalization} can wrap. */
type WrappedClass = 'Conv2D' | 'Dense' | 'Embedding'
type Wrapped = tfl.layers.Layer & { getClassName(): WrappedClass }
/** Each wrappable layer's weight matrix, as tfjs-layers names it. */
const MATRIX: Record<WrappedClass, 'kernel' | 'embeddings'> = { Conv2D: 'kernel', Dense: 'kernel', Embedding: 'embeddings' }
const WRAPPABLE: readonly string[] = Object.keys(MATRIX)
type LayerVariable = ReturnType<tfl.layers.Layer['addWeight']>

/** Keras's serialized form of the wrapped layer, as `getConfig()` returns it (keys are snake_cased on save). */
interface WrappedConfig {
  className: string
  config: tf.serialization.ConfigDict
}

/** ‖x‖ below this counts as zero, so a zero vector normalises to zero instead of NaN. */
const NORM_EPSILON = 1e-12

// The power iteration estimates σ; gradients flow only through W in σ = u'ᵀ W v (Miyato et al. 2018).
const stopGradient = tf.customGrad((...inputs) => ({
  value: (inputs[0] as tf.Tensor).clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}))

const l2normalize = (x: tf.Tensor) => tf.div(x, tf.maximum(tf.norm(x), NORM_EPSILON))

/**
 * Spectral normalisation of a Conv2D, Dense or Embedding layer (Miyato et al. 2018): the layer runs
 * with W / σ, σ being W's largest singular value estimated by one power iteration from a stored
 * vector `u` ([1, out]): with W reshaped to [out, in·kh·kw], v = l2norm(Wᵀu), u' = l2norm(W v),
 * σ = u'ᵀ W v. An Embedding's W is its table ([classes, out]), as SNGAN-projection's and BigGAN's
 * discriminators normalise their class embedding. Training calls store u' back into `u`; inference
 * uses the stored `u` unchanged. Weights: the wrapped layer's own (kernel and bias, or embeddings),
 * then `u`. Serialized as `SpectralNormalization` with config `{ layer: { class_name, config } }`,
 * registered so saved models load.
 */
export class SpectralNormalization extends tfl.layers.Layer {
  static className = 'SpectralNormalization'
  readonly layer: Wrapped
  private u: LayerVariable | undefined

  constructor(args: LayerArgs & { layer: tfl.layers.Layer }) {
    super(args)
    const name = args.layer.getClassName()
    if (!WRAPPABLE.includes(name)) {
      throw new Error(`SpectralNormalization wraps Conv2D, Dense or Embedding layers, not ${name}.`)
    }
    const activation = args.layer.getConfig()['activation']
    if (activation !== undefined && activation !== 'linear') {
      throw new Error(`SpectralNormalization wraps layers without an activation; add ${String(activation)} as a layer of its own.`)
    }
    this.layer = args.layer as Wrapped
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.layer.build(inputShape)
    this.layer.built = true
    const kernel = this.kernel()
    this.trainableWeights = [...this.layer.trainableWeights]
    this.u = this.addWeight('u', [1, kernel.shape.at(-1)!], 'float32', tfl.initializers.randomNormal({ seed: 1 }), undefined, false)
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.layer.computeOutputShape(inputShape)
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs
      const kernel = this.kernel().read()
      const out = kernel.shape.at(-1)!
      const w = tf.transpose(tf.reshape(kernel, [-1, out])) as tf.Tensor2D
      const v = stopGradient(l2normalize(tf.matMul(this.u!.read() as tf.Tensor2D, w))) as tf.Tensor2D
      const wv = tf.matMul(v, w, false, true)
      const u = stopGradient(l2normalize(wv)) as tf.Tensor2D
      const sigma = tf.sum(tf.mul(u, wv))
      if (kwargs['training'] === true) this.u!.write(u)
      const normalized = tf.div(kernel, sigma)
      if (this.layer.getClassName() === 'Embedding') {
        // tfjs-layers' Embedding: the rows of the indices, flattened, then shaped [...indices, out].
        const rows = tf.gather(normalized, tf.reshape(tf.cast(x, 'int32'), [-1]))
        return tf.reshape(rows, [...x.shape, out])
      }
      const config = this.layer.getConfig()
      const bias = (this.layer as unknown as { bias: LayerVariable | null }).bias?.read()
      let y: tf.Tensor
      if (this.layer.getClassName() === 'Conv2D') {
        y = tf.conv2d(
          x as tf.Tensor4D,
          normalized as tf.Tensor4D,
          config['strides'] as [number, number],
          config['padding'] as 'same' | 'valid',
        )
      } else {
        y = tf.matMul(x as tf.Tensor2D, normalized as tf.Tensor2D)
      }
      return bias ? tf.add(y, bias) : y
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    const layer: WrappedConfig = { className: this.layer.getClassName(), config: this.layer.getConfig() }
    return { ...super.getConfig(), layer: layer as unknown as tf.serialization.ConfigDict }
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { layer, ...rest } = config as { layer: WrappedConfig } & tf.serialization.ConfigDict
    const make = { Conv2D: tfl.layers.conv2d, Dense: tfl.layers.dense, Embedding: tfl.layers.embedding }[layer.className as WrappedClass]
    return new cls({ ...rest, layer: make(layer.config as never) })
  }

  private kernel(): LayerVariable {
    return (this.layer as unknown as Record<'kernel' | 'embeddings', LayerVariable>)[MATRIX[this.layer.getClassName() as WrappedClass]]
  }
}

tf.serialization.registerClass(SpectralNormalization)
