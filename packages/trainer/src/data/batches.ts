import * as tf from '@tensorflow/tfjs-core'
import { mulberry32, permutation } from '../random.js'
import type { ImageDataset } from './dataset.js'

/**
 * Real batches for training: `batchSize` images per call, pixels scaled from [0, 1] to the
 * generator's [-1, 1], in a shuffled order seeded by `seed` and reshuffled after every epoch, so a
 * run sees the same images in the same order every time. The caller disposes each batch.
 */
export function createRealBatches(data: ImageDataset, batchSize: number, seed: number): () => tf.Tensor4D {
  const imageSize = data.width * data.height * data.channels
  const scaled = new Float32Array(data.pixels.length)
  for (let i = 0; i < scaled.length; i++) scaled[i] = data.pixels[i]! * 2 - 1
  const rand = mulberry32(seed)
  let order = permutation(data.count, rand)
  let cursor = 0
  const batch = new Float32Array(batchSize * imageSize)
  return () => {
    for (let b = 0; b < batchSize; b++) {
      if (cursor === data.count) {
        order = permutation(data.count, rand)
        cursor = 0
      }
      const src = order[cursor++]!
      batch.set(scaled.subarray(src * imageSize, (src + 1) * imageSize), b * imageSize)
    }
    return tf.tensor4d(batch, [batchSize, data.height, data.width, data.channels])
  }
}
