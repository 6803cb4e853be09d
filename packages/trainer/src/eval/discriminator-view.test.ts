import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { saveLayersModel } from '../io/layers-model-io.js'
import { discriminatorView, logitSummary } from './discriminator-view.js'

describe('discriminatorView', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('summarises logits: their mean, and the mean of their signs (ADA r_t)', () => {
    expect(logitSummary([2, -1, 0.5, 0.5])).toEqual({ meanLogit: 0.5, signMean: 0.5 })
    expect(logitSummary([-3, -1])).toEqual({ meanLogit: -2, signMean: -1 })
  })

  it("judges each set in the discriminator's pixel range, in batches", async () => {
    // A stand-in D whose logit is the mean pixel in [−1, 1]: 0.75 reads 0.5, 0.25 reads −0.5.
    const D = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [2, 2, 1] }),
        tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.constant({ value: 0.25 }), biasInitializer: 'zeros' }),
      ],
    })
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-dview-')), 'discriminator')
    await saveLayersModel(D, dir)
    D.dispose()
    const images = (values: number[]) => Float32Array.from(values.flatMap((v) => [v, v, v, v]))
    // 300 images, over one batch of 256: 200 at 0.75 and 100 at 0.25.
    const mixed = images(Array.from({ length: 300 }, (_, i) => (i % 3 === 2 ? 0.25 : 0.75)))
    const tensors = tf.memory().numTensors
    const [bright, both] = await discriminatorView(dir, [-1, 1], { width: 2, height: 2, channels: 1 }, [
      { pixels: images([0.75, 0.75]), count: 2, classes: undefined },
      { pixels: mixed, count: 300, classes: undefined },
    ])
    expect(bright!.meanLogit).toBeCloseTo(0.5, 6)
    expect(bright!.signMean).toBe(1)
    expect(both!.meanLogit).toBeCloseTo((200 * 0.5 - 100 * 0.5) / 300, 6)
    expect(both!.signMean).toBeCloseTo(1 / 3, 12)
    expect(tf.memory().numTensors).toBe(tensors) // the loaded D and every batch freed
  })
})
