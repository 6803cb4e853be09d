import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { decode } from 'fast-png'
import { seedToLatent } from 'gan-sdk/core'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { renderGrid } from './render-grid.js'
import { createSampleWriter } from './samples.js'

describe('createSampleWriter', () => {
  it('writes samples/step-NNNNNN.png whose tile n is the image of seed n under the seed contract', async () => {
    await selectBackend('cpu')
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [5], units: 6, activation: 'tanh', kernelInitializer: tfl.initializers.randomNormal({ seed: 1 }) }),
        tfl.layers.reshape({ targetShape: [2, 3, 1] }),
      ],
    })
    const outDir = await mkdtemp(join(tmpdir(), 'gan-samples-'))
    const writer = createSampleWriter(model, { outDir, latentSize: 5, shape: { width: 3, height: 2, channels: 1 } })
    const path = await writer.write(42)
    writer.dispose()
    expect(path).toBe(join(outDir, 'samples', 'step-000042.png'))

    const grid = decode(await readFile(path))
    // 8 columns × (3 + 2) + 2 wide, 8 rows × (2 + 2) + 2 high.
    expect([grid.width, grid.height, grid.channels]).toEqual([42, 34, 1])
    for (const n of [0, 9, 63]) {
      const image = tf.tidy(() => model.predict(tf.tensor2d(seedToLatent(n, 5), [1, 5])) as tf.Tensor)
      const alone = decode(renderGrid((await image.data()) as Float32Array, 1, { width: 3, height: 2, channels: 1 }))
      image.dispose()
      const [ox, oy] = [2 + (n % 8) * 5, 2 + Math.floor(n / 8) * 4]
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 3; x++) expect(grid.data[(oy + y) * 42 + ox + x]).toBe(alone.data[(2 + y) * 7 + 2 + x])
      }
    }
    model.dispose()
  })
})
