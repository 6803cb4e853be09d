import * as tf from '@tensorflow/tfjs-core'
import { mulberry32, permutation } from '../random.js'
import type { ImageDataset } from './dataset.js'

/** One batch of real images and their class indices. The caller disposes `images`. */
export interface RealBatch {
  images: tf.Tensor4D
  labels: Int32Array
}

/**
 * Real batches for training: `batchSize` images per call, pixels scaled from [0, 1] to the
 * generator's [-1, 1], in a shuffled order seeded by `seed` and reshuffled after every epoch, so a
 * run sees the same images in the same order every time. `skipSteps` starts where a run that made
 * that many batches left off (for resuming). Byte datasets are converted batch by batch, so only the
 * compact bytes stay in memory.
 */
export function createRealBatches(data: ImageDataset, batchSize: number, seed: number, skipSteps = 0): () => RealBatch {
  const imageSize = data.width * data.height * data.channels
  const scaled = data.pixels instanceof Float32Array ? Float32Array.from(data.pixels, (v) => v * 2 - 1) : undefined
  const byteToValue = Float32Array.from({ length: 256 }, (_, b) => (b / 255) * 2 - 1)
  const rand = mulberry32(seed)
  let order = permutation(data.count, rand)
  let cursor = 0
  const nextIndex = () => {
    if (cursor === data.count) {
      order = permutation(data.count, rand)
      cursor = 0
    }
    return order[cursor++]!
  }
  for (let i = 0; i < skipSteps * batchSize; i++) nextIndex()
  const batch = new Float32Array(batchSize * imageSize)
  return () => {
    const labels = new Int32Array(batchSize)
    for (let b = 0; b < batchSize; b++) {
      const src = nextIndex()
      labels[b] = data.labels[src]!
      if (scaled) {
        batch.set(scaled.subarray(src * imageSize, (src + 1) * imageSize), b * imageSize)
      } else {
        const bytes = data.pixels.subarray(src * imageSize, (src + 1) * imageSize)
        for (let i = 0; i < imageSize; i++) batch[b * imageSize + i] = byteToValue[bytes[i]!]!
      }
    }
    return { images: tf.tensor4d(batch, [batchSize, data.height, data.width, data.channels]), labels }
  }
}
