import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { describeValue } from 'gan-sdk/core'
import { pixelsAsFloats, type ImageDataset } from '../data/dataset.js'
import { TrainError } from '../errors.js'
import { setLearningRate } from '../learning-rate.js'
import { mulberry32, permutation } from '../random.js'
import { predictInBatches } from './predict-in-batches.js'

const LEARNING_RATE = 1e-3

/** Name of the penultimate layer whose activations are the feature space of the Fréchet distance. */
export const FEATURE_LAYER = 'features'

export interface ClassifierOptions {
  /** Passes over the training images; the last third runs at a tenth of the learning rate. @default 15 */
  epochs?: number
  /** Largest random shift, in pixels, applied to each training image every epoch. @default 2 */
  maxShift?: number
  /** @default 128 */
  batchSize?: number
  /** Weight-initialiser seed. @default 1 */
  seed?: number
  /** Called after each epoch with its training loss and accuracy. */
  onEpoch?: (epoch: number, loss: number, accuracy: number) => void
}

/**
 * A small CNN (conv 32 → pool → conv 64 → pool → dense 128 → softmax) used only to score
 * generators: its confidence on generated digits, their class histogram, and the Fréchet distance
 * in its 128-d feature space.
 */
export function buildClassifier(shape: { width: number; height: number; channels: number }, classes: number, seed = 1): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s })
  const m = tfl.sequential({ name: 'classifier' })
  m.add(
    tfl.layers.conv2d({
      inputShape: [shape.height, shape.width, shape.channels],
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(0),
    }),
  )
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }))
  m.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }))
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }))
  m.add(tfl.layers.flatten())
  m.add(tfl.layers.dense({ units: 128, activation: 'relu', name: FEATURE_LAYER, kernelInitializer: init(2) }))
  // Seeded for repeatability. TF.js re-seeds each call, so every step drops the same units per row
  // of the batch; the per-epoch shuffle moves each digit to other rows, and so to other masks.
  m.add(tfl.layers.dropout({ rate: 0.3, seed }))
  m.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(3) }))
  m.compile({ optimizer: tf.train.adam(LEARNING_RATE, 0.9, 0.999), loss: 'categoricalCrossentropy', metrics: ['accuracy'] })
  return m
}

/**
 * Train the scoring classifier on `data` (float pixels in [0, 1], or bytes). Its class names are
 * saved with it (`classifierClassNames`), so that `evaluate` can check it judges the classes it is given.
 * @throws TrainError `ERR_DATASET` when `data` has fewer than two classes.
 */
export async function trainClassifier(data: ImageDataset, options: ClassifierOptions = {}): Promise<tfl.LayersModel> {
  const { epochs = 15, batchSize = 128, seed = 1, maxShift = 2, onEpoch } = options
  if (data.classNames.length < 2) {
    throw new TrainError(
      'ERR_DATASET',
      `dataset ${describeValue(data.name)} has ${data.classNames.length === 0 ? 'no classes' : `one class (${describeValue(data.classNames[0])})`}, and a classifier needs two or more: put the images in one subfolder per class.`,
    )
  }
  const model = buildClassifier(data, data.classNames.length, seed)
  model.setUserDefinedMetadata({ classNames: [...data.classNames] })
  const floats = { ...data, pixels: pixelsAsFloats(data) }
  const optimizer = model.optimizer as tf.AdamOptimizer
  const rand = mulberry32(seed)
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (epoch === Math.floor((2 * epochs) / 3) + 1) setLearningRate(optimizer, LEARNING_RATE / 10)
    // Our own seeded shuffle (fit's would use Math.random), so the same seed gives the same classifier.
    const order = permutation(data.count, rand)
    // 8,000 digits overfit a CNN; fresh random shifts each epoch are the cheapest cure.
    const [x, y] = tf.tidy(() => [
      tf.tensor4d(shifted(floats, order, maxShift, rand), [data.count, data.height, data.width, data.channels]),
      tf.oneHot(
        tf.tensor1d(
          Int32Array.from(order, (i) => data.labels[i]!),
          'int32',
        ),
        data.classNames.length,
      ),
    ])
    try {
      const history = await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 })
      const last = (key: string) => Number(history.history[key]?.[0] ?? NaN)
      onEpoch?.(epoch, last('loss'), last('acc'))
    } finally {
      tf.dispose([x, y])
    }
  }
  return model
}

/** The class names a classifier was trained on, in its output order, when it was saved with them (trainClassifier does). */
export function classifierClassNames(model: tfl.LayersModel): string[] | undefined {
  const names = (model.getUserDefinedMetadata() as { classNames?: unknown } | undefined)?.classNames
  return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : undefined
}

/** Image `order[n]` of `data` in slot n, moved by a random whole-pixel offset in [−max, max]², zero-filled. */
function shifted(data: ImageDataset & { pixels: Float32Array }, order: Uint32Array, max: number, rand: () => number): Float32Array {
  const { width: w, height: h, channels: c, pixels } = data
  const size = w * h * c
  const out = new Float32Array(data.count * size)
  for (let n = 0; n < data.count; n++) {
    const dx = Math.floor(rand() * (2 * max + 1)) - max
    const dy = Math.floor(rand() * (2 * max + 1)) - max
    const src = order[n]! * size
    const dst = n * size
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const srcRow = src + (y - dy) * w * c
      const dstRow = dst + y * w * c
      const x0 = Math.max(0, dx)
      const x1 = Math.min(w, w + dx)
      out.set(pixels.subarray(srcRow + (x0 - dx) * c, srcRow + (x1 - dx) * c), dstRow + x0 * c)
    }
  }
  return out
}

/** Class probabilities and feature vectors for `count` images (pixels in [0, 1]), in batches. */
export function classify(
  model: tfl.LayersModel,
  pixels: Float32Array,
  count: number,
  shape: { width: number; height: number; channels: number },
): { probs: Float32Array; features: Float32Array; classes: number; featureSize: number } {
  const featureModel = tfl.model({
    inputs: model.inputs,
    outputs: [model.getLayer(FEATURE_LAYER).output as tfl.SymbolicTensor, model.outputs[0]!],
  })
  const size = shape.width * shape.height * shape.channels
  const classes = model.outputs[0]!.shape[1] as number
  const featureSize = model.getLayer(FEATURE_LAYER).outputShape[1] as number
  const [features, probs] = predictInBatches(count, [featureSize, classes], (start, rows) => {
    const x = tf.tensor4d(pixels.subarray(start * size, (start + rows) * size), [rows, shape.height, shape.width, shape.channels])
    return featureModel.predict(x) as tf.Tensor[]
  }) as [Float32Array, Float32Array]
  return { probs, features, classes, featureSize }
}
