import { describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { createRealBatches } from './batches.js'
import type { ImageDataset } from './dataset.js'

/** Five 1×1 images; image i has the value i / 4, so a batch shows which images it holds. */
const five: ImageDataset = {
  name: 'five',
  width: 1,
  height: 1,
  channels: 1,
  pixels: Float32Array.from([0, 1, 2, 3, 4], (i) => i / 4),
  labels: Uint8Array.from([0, 1, 0, 1, 0]),
  classNames: ['even', 'odd'],
  count: 5,
  license: 'CC0-1.0',
}

describe('createRealBatches', () => {
  it('scales to [-1, 1] and walks a seeded shuffle, reshuffling after each epoch', async () => {
    await selectBackend('cpu')
    const next = createRealBatches(five, 3, 7)
    const images: number[][] = []
    for (let i = 0; i < 4; i++) {
      const { images: batch, labels } = next()
      expect(batch.shape).toEqual([3, 1, 1, 1])
      const values = Array.from(await batch.data(), (v) => ((v + 1) / 2) * 4)
      images.push(values)
      expect(Array.from(labels)).toEqual(values.map((v) => v % 2))
      batch.dispose()
    }
    // Pinned: a change here changes what every seeded run trains on, and so the shipped model's reproduction.
    expect(images).toEqual([
      [3, 1, 2],
      [4, 0, 4],
      [0, 3, 1],
      [2, 1, 3],
    ])
  })
})

describe('createRealBatches on bytes and when resuming', () => {
  const bytes: ImageDataset = { ...five, pixels: Uint8Array.from([0, 51, 102, 153, 255]) }

  it('scales bytes b to b / 255 · 2 − 1, in the same order as floats', async () => {
    await selectBackend('cpu')
    const [a, b] = [createRealBatches(bytes, 3, 7)(), createRealBatches(five, 3, 7)()]
    expect(Array.from(await a.images.data())).toEqual([153 / 255, 51 / 255, 102 / 255].map((v) => Math.fround(v * 2 - 1)))
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels))
    a.images.dispose()
    b.images.dispose()
  })

  it('skipSteps starts where a run that made that many batches left off, across epochs', async () => {
    await selectBackend('cpu')
    const whole = createRealBatches(bytes, 3, 7)
    for (let i = 0; i < 3; i++) whole().images.dispose()
    const [a, b] = [whole(), createRealBatches(bytes, 3, 7, 3)()]
    expect(Array.from(await b.images.data())).toEqual(Array.from(await a.images.data()))
    a.images.dispose()
    b.images.dispose()
  })
})
