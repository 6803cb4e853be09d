import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { loadLayersModel, saveLayersModel } from '../io/layers-model-io.js'
import { SpectralNormalization } from './spectral-norm.js'

const seeded = (seed: number) => tfl.initializers.randomNormal({ seed })

function wrappedConv(): tfl.LayersModel {
  const sn = new SpectralNormalization({
    layer: tfl.layers.conv2d({
      filters: 3,
      kernelSize: 2,
      strides: 2,
      padding: 'same',
      kernelInitializer: seeded(1),
      biasInitializer: seeded(2),
    }),
  })
  const input = tfl.input({ shape: [4, 4, 2] })
  return tfl.model({ inputs: input, outputs: sn.apply(input) as tfl.SymbolicTensor })
}

describe('SpectralNormalization', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('runs the wrapped layer with W / σ, σ from one power iteration from the stored u', () => {
    const model = wrappedConv()
    const [kernel, bias, u] = model.layers[1]!.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor]
    expect([kernel.shape, bias.shape, u.shape]).toEqual([[2, 2, 2, 3], [3], [1, 3]])
    // The same σ in plain arithmetic: W as [out, in·kh·kw], v = Wᵀu/‖·‖, u' = Wv/‖·‖, σ = u'ᵀWv.
    const k = kernel.arraySync() as number[][][][]
    const w = [0, 1, 2].map((o) => k.flat(2).map((row) => (row as unknown as number[])[o]!))
    const u0 = (u.arraySync() as number[][])[0]!
    const norm = (x: number[]) => x.map((v) => v / Math.hypot(...x))
    const v = norm(w[0]!.map((_, j) => w.reduce((s, row, o) => s + row[j]! * u0[o]!, 0)))
    const wv = w.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0))
    const sigma = norm(wv).reduce((s, x, o) => s + x * wv[o]!, 0)
    const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 3)
    const expected = tf.add(tf.conv2d(x as tf.Tensor4D, tf.div(kernel, sigma) as tf.Tensor4D, 2, 'same'), bias)
    const actual = model.predict(x) as tf.Tensor
    expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThan(1e-5)
    tf.dispose([x, expected, actual])
    model.dispose()
  })

  it('stores u′ in training only, and then estimates the largest singular value', () => {
    const dense = new SpectralNormalization({ layer: tfl.layers.dense({ units: 4, kernelInitializer: seeded(5) }) })
    const input = tfl.input({ shape: [6] })
    const model = tfl.model({ inputs: input, outputs: dense.apply(input) as tfl.SymbolicTensor })
    const x = tf.ones([1, 6])
    const u = () => Array.from((model.layers[1]!.getWeights()[2] as tf.Tensor).dataSync())
    const before = u()
    tf.dispose(model.predict(x) as tf.Tensor)
    expect(u()).toEqual(before)
    for (let i = 0; i < 30; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor)
    expect(u()).not.toEqual(before)
    // After many iterations u is the top singular vector: the layer's W / σ (its output for the
    // identity, the bias being zero) has largest singular value 1.
    const normalized = model.predict(tf.eye(6)) as tf.Tensor2D
    const gram = tf.matMul(normalized, normalized, true, false)
    let v = tf.ones([4, 1]) as tf.Tensor2D
    for (let i = 0; i < 200; i++) v = tf.tidy(() => tf.div(tf.matMul(gram, v), tf.norm(tf.matMul(gram, v))) as tf.Tensor2D)
    expect(Math.sqrt(tf.norm(tf.matMul(gram, v)).dataSync()[0]!)).toBeCloseTo(1, 4)
    tf.dispose([x, normalized, gram, v])
    model.dispose()
  })

  it('saves as SpectralNormalization { layer: { class_name, config } } with the weights kernel, bias, u, and loads back', async () => {
    const model = wrappedConv()
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-sn-')), 'model')
    await saveLayersModel(model, dir)
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))
    const layer = json.modelTopology.config.layers[1]
    expect(layer.class_name).toBe('SpectralNormalization')
    expect(layer.config.layer).toMatchObject({ class_name: 'Conv2D', config: { filters: 3, kernel_size: [2, 2], strides: [2, 2] } })
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name.split('/').at(-1))).toEqual(['kernel', 'bias', 'u'])
    const loaded = await loadLayersModel(dir)
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 4)
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor]
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()))
    tf.dispose([x, a, b])
    model.dispose()
    loaded.dispose()
  })

  it('wraps an Embedding: the rows of its table / σ, saved and loaded back', async () => {
    const sn = new SpectralNormalization({ layer: tfl.layers.embedding({ inputDim: 3, outputDim: 5, embeddingsInitializer: seeded(6) }) })
    const input = tfl.input({ shape: [1], dtype: 'int32' })
    const model = tfl.model({ inputs: input, outputs: sn.apply(input) as tfl.SymbolicTensor })
    const [table, u] = model.layers[1]!.getWeights() as [tf.Tensor2D, tf.Tensor]
    expect([table.shape, u.shape]).toEqual([
      [3, 5],
      [1, 5],
    ])
    const labels = tf.tensor2d([[2], [0], [2]], [3, 1], 'int32')
    for (let i = 0; i < 50; i++) tf.dispose(model.apply(labels, { training: true }) as tf.Tensor)
    // Converged: σ is the table's largest singular value (from its Gram matrix), and each row comes out divided by it.
    const gram = tf.matMul(table, table, true, false)
    let v = tf.ones([5, 1]) as tf.Tensor2D
    for (let i = 0; i < 200; i++) v = tf.tidy(() => tf.div(tf.matMul(gram, v), tf.norm(tf.matMul(gram, v))) as tf.Tensor2D)
    const sigma = Math.sqrt(tf.norm(tf.matMul(gram, v)).dataSync()[0]!)
    const rows = model.predict(labels) as tf.Tensor
    expect(rows.shape).toEqual([3, 1, 5])
    const t = table.arraySync()
    const expected = [t[2]!, t[0]!, t[2]!].map((row) => row.map((x) => x / sigma))
    ;(rows.arraySync() as number[][][]).forEach((r, i) => r[0]!.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 5)))
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-sn-')), 'model')
    await saveLayersModel(model, dir)
    const loaded = await loadLayersModel(dir)
    const again = loaded.predict(labels) as tf.Tensor
    expect(Array.from(again.dataSync())).toEqual(Array.from(rows.dataSync()))
    tf.dispose([labels, gram, v, rows, again])
    model.dispose()
    loaded.dispose()
  })

  it('refuses layers it cannot wrap', () => {
    expect(() => new SpectralNormalization({ layer: tfl.layers.flatten() })).toThrow('wraps Conv2D, Dense or Embedding layers, not Flatten')
    expect(() => new SpectralNormalization({ layer: tfl.layers.dense({ units: 1, activation: 'relu' }) })).toThrow(
      'wraps layers without an activation; add relu as a layer of its own',
    )
  })
})
