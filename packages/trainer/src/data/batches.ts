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
 * that many batches left off (for resuming). With `mirror`, the epoch is twice the dataset: each
 * image once as it is and once flipped left to right, in one shuffle. Byte datasets are converted
 * batch by batch, so only the compact bytes stay in memory.
 */
export function createRealBatches(data: ImageDataset, batchSize: number, seed: number, skipSteps = 0, mirror = false): () => RealBatch {
  const imageSize = data.width * data.height * data.channels
  const rowSize = data.width * data.channels
  const epoch = mirror ? 2 * data.count : data.count
  const scaled = data.pixels instanceof Float32Array ? Float32Array.from(data.pixels, (v) => v * 2 - 1) : undefined
  const byteToValue = Float32Array.from({ length: 256 }, (_, b) => (b / 255) * 2 - 1)
  const rand = mulberry32(seed)
  let order = permutation(epoch, rand)
  let cursor = 0
  const nextIndex = () => {
    if (cursor === epoch) {
      order = permutation(epoch, rand)
      cursor = 0
    }
    return order[cursor++]!
  }
  for (let i = 0; i < skipSteps * batchSize; i++) nextIndex()
  const batch = new Float32Array(batchSize * imageSize)
  const value = scaled ? (i: number) => scaled[i]! : (i: number) => byteToValue[data.pixels[i]!]!
  return () => {
    const labels = new Int32Array(batchSize)
    for (let b = 0; b < batchSize; b++) {
      const index = nextIndex()
      const src = index % data.count
      labels[b] = data.labels[src]!
      const from = src * imageSize
      const to = b * imageSize
      if (index >= data.count) {
        // Pixel x of each row goes to width − 1 − x, its channels in order.
        for (let row = 0; row < imageSize; row += rowSize) {
          for (let x = 0; x < rowSize; x += data.channels) {
            for (let c = 0; c < data.channels; c++) batch[to + row + rowSize - data.channels - x + c] = value(from + row + x + c)
          }
        }
      } else if (scaled) {
        batch.set(scaled.subarray(from, from + imageSize), to)
      } else {
        for (let i = 0; i < imageSize; i++) batch[to + i] = value(from + i)
      }
    }
    return { images: tf.tensor4d(batch, [batchSize, data.height, data.width, data.channels]), labels }
  }
}
