// Test fixtures: small random Keras-style models built with tfjs-layers on the CPU backend.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { writeLayersModelFiles } from '@gan-sdk/internal'
import { RUN_MANIFEST_FILE, RUN_MANIFEST_FORMAT, RUN_MANIFEST_VERSION } from 'gan-sdk/core'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export { tf, tfl }

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
export function dcgan({
  latent,
  start = 7,
  filters = [8, 4],
  channels = 1,
  kernel = 4,
  padding = 'same',
  bias = false,
}: DcganShape): tfl.Sequential {
  const g = tfl.sequential({ name: 'generator' })
  g.add(tfl.layers.dense({ inputShape: [latent], units: start * start * filters[0]!, useBias: false }))
  g.add(tfl.layers.batchNormalization())
  g.add(tfl.layers.leakyReLU({ alpha: 0.2 }))
  g.add(tfl.layers.reshape({ targetShape: [start, start, filters[0]!] }))
  for (const f of filters.slice(1)) {
    g.add(tfl.layers.conv2dTranspose({ filters: f, kernelSize: kernel, strides: 2, padding, useBias: bias }))
    g.add(tfl.layers.batchNormalization())
    g.add(tfl.layers.leakyReLU({ alpha: 0.2 }))
  }
  g.add(tfl.layers.conv2dTranspose({ filters: channels, kernelSize: kernel, strides: 2, padding, activation: 'tanh' }))
  return g
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
