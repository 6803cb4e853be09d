// Test fixtures: small random Keras-style models built with tfjs-layers on the CPU backend.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { writeLayersModelFiles } from '@gan-sdk/internal'
import { RUN_MANIFEST_FILE, RUN_MANIFEST_FORMAT, RUN_MANIFEST_VERSION } from 'gan-sdk/core'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SpectralNormalization } from '../verify/spectral-normalization-layer.js'

export { tf, tfl }
type Sym = tfl.SymbolicTensor

/** What `model.save(tf.io.withSaveHandler(…))` receives: the exporter's in-memory input. */
export async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  await tf.setBackend('cpu')
  let saved: tf.io.ModelArtifacts | undefined
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  return saved!
}

/**
 * Give every weight random values, BN statistics included, scaled so activations stay O(1) through
 * the stack (kernels ~ N(0, 2/fan_in), He-style): parity then exercises every parameter and the output
 * depends on the latent, instead of being the last bias or saturated.
 */
export function randomize<M extends tfl.LayersModel>(model: M, seed: number): M {
  let s = seed
  for (const layer of model.layers) {
    const transposed = layer.getClassName() === 'Conv2DTranspose'
    // A transposed conv's output pixel sees only 1/(sh·sw) of its kernel taps.
    const strides = transposed ? (layer.getConfig()['strides'] as number[]).reduce((a, b) => a * b, 1) : 1
    const values = layer.weights.map((w) => {
      const key = w.originalName.split('/').pop()
      const shape = w.shape as number[]
      s++
      if (key === 'kernel') {
        const fanIn = shape.slice(0, -2).reduce((a, b) => a * b, 1) * shape[shape.length - (transposed ? 1 : 2)]!
        return tf.randomNormal(shape, 0, Math.sqrt(2 / (shape.length === 2 ? shape[0]! : fanIn / strides)), 'float32', s)
      }
      if (key === 'embeddings') return tf.randomNormal(shape, 0, 1, 'float32', s)
      if (key === 'gamma') return tf.randomUniform(shape, 0.5, 1.5, 'float32', s)
      if (key === 'moving_variance') return tf.randomUniform(shape, 0.5, 2, 'float32', s)
      return tf.randomNormal(shape, 0, 0.2, 'float32', s)
    })
    if (values.length > 0) layer.setWeights(values)
    tf.dispose(values)
  }
  return model
}

export interface DcganShape {
  latent: number
  /** Side of the first feature map (Dense → Reshape). @default 7 */
  start?: number
  /** Feature maps: the first after Reshape, then one per hidden Conv2DTranspose. @default [8, 4] */
  filters?: number[]
  channels?: number
  kernel?: number
  padding?: 'same' | 'valid'
  bias?: boolean
}

/** Our DCGAN generator: Dense(no bias) → BN → LeakyReLU(0.2) → Reshape → (Conv2DTranspose → BN → LeakyReLU)* → Conv2DTranspose(tanh). */
export function dcgan(shape: DcganShape): tfl.Sequential {
  return tfl.sequential({ name: 'generator', layers: dcganLayers(shape, [shape.latent]) })
}

/** The layers of {@link dcgan}, the first declaring `inputShape` when given. */
function dcganLayers(
  { start = 7, filters = [8, 4], channels = 1, kernel = 4, padding = 'same', bias = false }: DcganShape,
  inputShape?: number[],
): tfl.layers.Layer[] {
  const layers: tfl.layers.Layer[] = [
    tfl.layers.dense({ ...(inputShape ? { inputShape } : {}), units: start * start * filters[0]!, useBias: false }),
    tfl.layers.batchNormalization(),
    tfl.layers.leakyReLU({ alpha: 0.2 }),
    tfl.layers.reshape({ targetShape: [start, start, filters[0]!] }),
  ]
  for (const f of filters.slice(1)) {
    layers.push(
      tfl.layers.conv2dTranspose({ filters: f, kernelSize: kernel, strides: 2, padding, useBias: bias }),
      tfl.layers.batchNormalization(),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
    )
  }
  layers.push(tfl.layers.conv2dTranspose({ filters: channels, kernelSize: kernel, strides: 2, padding, activation: 'tanh' }))
  return layers
}

/** How a conditional generator combines the latent with its label's embedding. */
export type Merge = 'concatenate' | 'multiply' | 'add'

export interface ConditionalShape extends DcganShape {
  classes: number
  merge: Merge
  /** TF.js dtype of the label input. @default 'int32' */
  labelDtype?: 'int32' | 'float32'
}

/**
 * A conditional DCGAN generator as the trainer builds one: inputs `[latent, label]`, the label's
 * Embedding(classes, latent) flattened and merged with the latent, then the {@link dcgan} stack.
 */
export function conditionalDcgan({ classes, merge, labelDtype = 'int32', ...shape }: ConditionalShape): tfl.LayersModel {
  const latent = tfl.input({ shape: [shape.latent], name: 'latent' })
  const label = tfl.input({ shape: [1], name: 'label', dtype: labelDtype })
  const embedded = tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: classes, outputDim: shape.latent }).apply(label)) as Sym
  let x = tfl.layers[merge]().apply([latent, embedded]) as Sym
  for (const layer of dcganLayers(shape)) x = layer.apply(x) as Sym
  return tfl.model({ name: 'generator', inputs: [latent, label], outputs: x })
}

/** `layer` wrapped in the (reference) SpectralNormalization layer, configured as the trainer's is; `inputShape` for a Sequential's first layer. */
export function spectralNorm(layer: tfl.layers.Layer, inputShape?: number[]): tfl.layers.Layer {
  return new SpectralNormalization({
    layer: { className: layer.getClassName() as 'Dense', config: layer.getConfig() },
    ...(inputShape ? { inputShape } : {}),
  })
}

export interface DiscriminatorShape {
  size: number
  channels: number
  filters?: number[]
  kernel?: number
  /** Wrap the convolutions and the logit's Dense in SpectralNormalization. */
  spectral?: boolean
  /** A conditional (projection) discriminator: features · Embedding(classes, features)(label) is added to the logit. */
  classes?: number
  /** With `spectral` and `classes`: wrap the projection's Embedding too (the trainer's `spectralNormProjection`). */
  spectralProjection?: boolean
  /** Training heads after the logit, as the trainer's `--class-loss` and `--reconstruction` add: a 3-class classifier and a decoder back to the image. */
  heads?: boolean
}

/** The trainer's discriminator: strided Conv2D → LeakyReLU stages, Flatten, Dense(1); optionally spectral-normalised and projection-conditional. */
export function discriminator({
  size,
  channels,
  filters = [4, 8],
  kernel = 4,
  spectral = false,
  classes,
  spectralProjection = false,
  heads = false,
}: DiscriminatorShape): tfl.LayersModel {
  const wrap = (layer: tfl.layers.Layer) => (spectral ? spectralNorm(layer) : layer)
  const image = tfl.input({ shape: [size, size, channels], name: 'image' })
  let x: Sym = image
  for (const f of filters) {
    x = wrap(tfl.layers.conv2d({ filters: f, kernelSize: kernel, strides: 2, padding: 'same' })).apply(x) as Sym
    x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as Sym
  }
  const features = tfl.layers.flatten().apply(x) as Sym
  const logit = wrap(tfl.layers.dense({ units: 1 })).apply(features) as Sym
  const withHeads = (output: Sym): Sym | Sym[] => {
    if (!heads) return output
    const classLogits = tfl.layers.dense({ units: 3 }).apply(features) as Sym
    const scale = 2 ** filters.length
    const upsampled = tfl.layers.upSampling2d({ size: [scale, scale] }).apply(x) as Sym
    const decoded = tfl.layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(upsampled) as Sym
    return [output, classLogits, decoded]
  }
  if (classes === undefined) return tfl.model({ name: 'discriminator', inputs: image, outputs: withHeads(logit) })
  const label = tfl.input({ shape: [1], name: 'label', dtype: 'int32' })
  const size_ = features.shape[1] as number
  const table = tfl.layers.embedding({ inputDim: classes, outputDim: size_ })
  const embedded = tfl.layers.flatten().apply((spectralProjection ? wrap(table) : table).apply(label)) as Sym
  const projection = tfl.layers.dot({ axes: 1 }).apply([features, embedded]) as Sym
  return tfl.model({
    name: 'discriminator',
    inputs: [image, label],
    outputs: withHeads(tfl.layers.add().apply([logit, projection]) as Sym),
  })
}

/**
 * Write a training run directory as the trainer does: gan.json plus generator/model.json +
 * weights.bin. `manifest` is written as given, so tests can also write ones the reader must refuse.
 */
export async function writeRunDir(dir: string, artifacts: tf.io.ModelArtifacts, manifest: Record<string, unknown>): Promise<void> {
  await writeLayersModelFiles(join(dir, 'generator'), artifacts)
  await writeFile(
    join(dir, RUN_MANIFEST_FILE),
    JSON.stringify({ format: RUN_MANIFEST_FORMAT, version: RUN_MANIFEST_VERSION, generator: 'generator', ...manifest }, null, 2),
  )
}
