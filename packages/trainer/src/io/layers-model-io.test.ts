import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { loadLayersModel, saveLayersModel } from './layers-model-io.js'

describe('TF.js checkpoints', () => {
  it('save → load gives the same model', async () => {
    await selectBackend('cpu')
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2, kernelInitializer: 'ones' })] })
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-ckpt-')), 'model')
    await saveLayersModel(model, dir)
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin'])
    const loaded = await loadLayersModel(dir)
    const x = tf.tensor2d([[1, 2, 3]])
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor]
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()))
    tf.dispose([x, a, b])
    model.dispose()
    loaded.dispose()
  })

  it('a missing or broken checkpoint is ERR_CHECKPOINT saying what is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-ckpt-'))
    await expect(loadLayersModel(join(dir, 'nope'))).rejects.toMatchObject({
      name: 'TrainError',
      code: 'ERR_CHECKPOINT',
      message: `[gan-train] ${join(dir, 'nope')} does not exist: pass a checkpoint directory that train() wrote, e.g. runs/mnist/generator.`,
    })
    await writeFile(join(dir, 'model.json'), '{"modelTopology": {}, "weightsManifest": [{"paths": ["weights.bin"], "weights": []}]}')
    await expect(loadLayersModel(dir)).rejects.toThrow(/^\[gan-train\] weight file .*weights\.bin, listed in model\.json, cannot be read/)
  })

  it('a directory it cannot write is ERR_WRITE', async () => {
    await selectBackend('cpu')
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 1 })] })
    const file = join(await mkdtemp(join(tmpdir(), 'gan-ckpt-')), 'file')
    await writeFile(file, '')
    await expect(saveLayersModel(model, join(file, 'model'))).rejects.toMatchObject({ code: 'ERR_WRITE' })
    model.dispose()
  })
})
