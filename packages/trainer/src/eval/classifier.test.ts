import { beforeAll, describe, expect, it } from 'vitest'
import type * as tfl from '@tensorflow/tfjs-layers'
import { selectBackend } from '../backend/ladder.js'
import { loadMnist } from '../data/mnist.js'
import { subset } from '../data/dataset.js'
import { classifierClassNames, trainClassifier } from './classifier.js'
import { accuracy } from './score.js'

const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()))

describe('trainClassifier', () => {
  const train = loadMnist('train')
  const digits = subset(
    train,
    Array.from({ length: 600 }, (_, i) => i * 13),
  )

  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('is repeatable: the same seed gives the same weights, another seed other weights', async () => {
    const [a, b, c] = [
      await trainClassifier(digits, { epochs: 2, seed: 3 }),
      await trainClassifier(digits, { epochs: 2, seed: 3 }),
      await trainClassifier(digits, { epochs: 2, seed: 4 }),
    ]
    expect(weightsOf(a)).toEqual(weightsOf(b))
    expect(weightsOf(a)).not.toEqual(weightsOf(c))
    // Its classes travel with it, for evaluate to match by name.
    expect(classifierClassNames(a)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    for (const m of [a, b, c]) m.dispose()
  })

  it('trains the same on bytes as on the floats they stand for (folder and emoji images load as bytes)', async () => {
    const bytes = { ...digits, pixels: Uint8Array.from(digits.pixels, (v) => Math.round(v * 255)) }
    const floats = { ...digits, pixels: Float32Array.from(bytes.pixels, (b) => b / 255) }
    const [a, b] = [await trainClassifier(bytes, { epochs: 1 }), await trainClassifier(floats, { epochs: 1 })]
    expect(weightsOf(a)).toEqual(weightsOf(b))
    for (const m of [a, b]) m.dispose()
  })

  it('refuses a dataset of fewer than two classes, saying how to give it classes', async () => {
    const one = { ...digits, classNames: ['digits'], labels: new Uint8Array(digits.count) }
    await expect(trainClassifier(one)).rejects.toMatchObject({
      code: 'ERR_DATASET',
      message:
        '[gan-train] dataset "mnist" has one class ("digits"), and a classifier needs two or more: put the images in one subfolder per class.',
    })
  })

  it('learns: accuracy on held-out digits far above chance after a few epochs on 600 digits', async () => {
    const epochs: number[] = []
    const model = await trainClassifier(digits, { epochs: 3, onEpoch: (e) => epochs.push(e) })
    expect(epochs).toEqual([1, 2, 3])
    expect(
      accuracy(
        model,
        subset(
          loadMnist('test'),
          Array.from({ length: 400 }, (_, i) => i * 5),
        ),
      ),
    ).toBeGreaterThan(0.6)
    model.dispose()
  })
})
