import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { loadLayersModel, saveLayersModel } from '../io/layers-model-io.js'
import { ReflectionPadding2D } from './reflection-padding.js'

function padded(padding?: number): tfl.LayersModel {
  const input = tfl.input({ shape: [3, 4, 2] })
  return tfl.model({ inputs: input, outputs: new ReflectionPadding2D({ padding }).apply(input) as tfl.SymbolicTensor })
}

describe('ReflectionPadding2D', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('mirrors each side without repeating the edge pixel, channel by channel', () => {
    const model = padded()
    expect(model.outputs[0]!.shape).toEqual([null, 5, 6, 2])
    // Channel 0 counts 0…11 row by row; channel 1 is its negative.
    const rows = [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]
    const x = tf.tensor4d(
      rows.flatMap((r) => r.flatMap((v) => [v, -v])),
      [1, 3, 4, 2],
    )
    const y = model.predict(x) as tf.Tensor4D
    const channel = (c: number) => (y.arraySync()[0] as number[][][]).map((r) => r.map((p) => p[c]))
    expect(channel(0)).toEqual([
      [5, 4, 5, 6, 7, 6],
      [1, 0, 1, 2, 3, 2],
      [5, 4, 5, 6, 7, 6],
      [9, 8, 9, 10, 11, 10],
      [5, 4, 5, 6, 7, 6],
    ])
    expect(channel(1)).toEqual(channel(0).map((r) => r.map((v) => -v!)))
    tf.dispose([x, y])
    model.dispose()
  })

  it('passes the gradient back to the pixels it copied', () => {
    const layer = new ReflectionPadding2D({ padding: 1 })
    const x = tf.ones([1, 3, 3, 1])
    const grad = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t) as tf.Tensor))(x)
    // Each pixel's count in the 5×5 output: the padded rows and columns are 1, 0, 1, 2, 1, so the
    // centre is copied 3 × 3 times, the middles of the edges 3, the corners once.
    expect(Array.from(grad.dataSync())).toEqual([1, 3, 1, 3, 9, 3, 1, 3, 1])
    tf.dispose([x, grad])
  })

  it('saves as ReflectionPadding2D with its padding, and loads back', async () => {
    const model = padded(2)
    const dir = await mkdtemp(join(tmpdir(), 'reflection-'))
    await saveLayersModel(model, dir)
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: Array<{ class_name: string; config: { padding?: number } }> } }
    }
    const saved = json.modelTopology.config.layers[1]!
    expect([saved.class_name, saved.config.padding]).toEqual(['ReflectionPadding2D', 2])
    const loaded = await loadLayersModel(dir)
    expect(loaded.outputs[0]!.shape).toEqual([null, 7, 8, 2])
    const x = tf.randomNormal([2, 3, 4, 2], 0, 1, 'float32', 4)
    const [a, b] = [model.predict(x), loaded.predict(x)] as tf.Tensor[]
    expect(Array.from(b!.dataSync())).toEqual(Array.from(a!.dataSync()))
    tf.dispose([x, a!, b!])
    for (const m of [model, loaded]) m.dispose()
  })

  it('refuses a padding that is not a whole number ≥ 1, and an input too small to mirror', () => {
    expect(() => new ReflectionPadding2D({ padding: 0 })).toThrow(/whole number of pixels ≥ 1, got 0/)
    expect(() => new ReflectionPadding2D({ padding: 1.5 })).toThrow(/got 1\.5/)
    const layer = new ReflectionPadding2D({ padding: 3, name: 'pad' })
    const x = tf.ones([1, 3, 3, 1])
    expect(() => layer.apply(x)).toThrow(/"pad" cannot mirror 3 pixels of a 3×3 input/)
    x.dispose()
  })
})
