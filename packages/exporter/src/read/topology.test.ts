import { describe, expect, it } from 'vitest'
import { artifactsOf, tfl } from '../testing/fixtures.js'
import { parseTopology } from './topology.js'

type Sym = tfl.SymbolicTensor

describe('parseTopology', () => {
  it('reads a Sequential model as a chain from its declared input', async () => {
    const m = tfl.sequential({ name: 'g' })
    m.add(tfl.layers.dense({ inputShape: [5], units: 4, name: 'd' }))
    m.add(tfl.layers.reshape({ targetShape: [2, 2, 1], name: 'r' }))
    const t = parseTopology((await artifactsOf(m)).modelTopology)
    expect(t).toEqual({
      modelName: 'g',
      inputs: [{ name: 'd/input', shape: [null, 5], dtype: 'float32' }],
      layers: [
        expect.objectContaining({ className: 'Dense', name: 'd', inbound: ['d/input'] }),
        expect.objectContaining({ className: 'Reshape', name: 'r', inbound: ['d'] }),
      ],
      output: 'r',
      extraOutputs: 0,
    })
  })

  it('orders a functional model’s layers after the layers they take, whatever the listing order', async () => {
    const input = tfl.input({ shape: [3], name: 'z' })
    const a = tfl.layers.dense({ units: 4, name: 'a' }).apply(input) as Sym
    const b = tfl.layers.dense({ units: 4, name: 'b' }).apply(a) as Sym
    const topology = (await artifactsOf(tfl.model({ inputs: input, outputs: b }))).modelTopology as { config: { layers: unknown[] } }
    topology.config.layers.reverse()
    const t = parseTopology(topology)
    expect(t.layers.map((l) => [l.name, l.inbound])).toEqual([
      ['a', ['z']],
      ['b', ['a']],
    ])
    expect(t.inputs).toEqual([{ name: 'z', shape: [null, 3], dtype: 'float32' }])
  })

  it('accepts the Keras { model_config } wrapper', async () => {
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [2], units: 1, name: 'only' }))
    expect(parseTopology({ model_config: (await artifactsOf(m)).modelTopology }).layers[0]!.name).toBe('only')
  })

  it('reads branches, merges and several inputs (with their dtypes), in call order', async () => {
    const z = tfl.input({ shape: [4], name: 'z' })
    const label = tfl.input({ shape: [1], name: 'label', dtype: 'int32' })
    const a = tfl.layers.dense({ units: 4, name: 'a' }).apply(z) as Sym
    const b = tfl.layers.dense({ units: 4, name: 'b' }).apply(z) as Sym
    const e = tfl.layers.flatten({ name: 'e' }).apply(tfl.layers.embedding({ inputDim: 3, outputDim: 4, name: 'emb' }).apply(label)) as Sym
    const sum = tfl.layers.add({ name: 'sum' }).apply([b, a, e]) as Sym
    const t = parseTopology((await artifactsOf(tfl.model({ inputs: [z, label], outputs: sum }))).modelTopology)
    expect(t.inputs).toEqual([
      { name: 'z', shape: [null, 4], dtype: 'float32' },
      { name: 'label', shape: [null, 1], dtype: 'int32' },
    ])
    expect(t.layers.map((l) => l.name)).toEqual(['b', 'a', 'emb', 'e', 'sum'])
    expect(t.layers.at(-1)!.inbound).toEqual(['b', 'a', 'e'])
    expect(t.output).toBe('sum')
  })

  it("refuses shared layers and several outputs, unless told to keep the first (a discriminator's logit before its training heads)", async () => {
    const input = tfl.input({ shape: [4], name: 'z' })
    const shared = tfl.layers.dense({ units: 4, name: 'shared' })
    const twice = shared.apply(shared.apply(input) as Sym) as Sym
    const sharing = (await artifactsOf(tfl.model({ inputs: input, outputs: twice }))).modelTopology
    expect(() => parseTopology(sharing)).toThrow(
      expect.objectContaining({
        code: 'ERR_UNSUPPORTED_TOPOLOGY',
        message: expect.stringMatching(/"shared" is called 2 times \(a shared layer\)/),
      }),
    )
    const a = tfl.layers.dense({ units: 1, name: 'a' }).apply(input) as Sym
    const b = tfl.layers.dense({ units: 1, name: 'b' }).apply(input) as Sym
    const two = (await artifactsOf(tfl.model({ inputs: input, outputs: [a, b] }))).modelTopology
    expect(() => parseTopology(two)).toThrow(/the model has 2 outputs; a generator has one image output and a discriminator one logit/)
    const first = parseTopology(two, 'first')
    expect([first.output, first.extraOutputs, first.layers.map((l) => l.name)]).toEqual(['a', 1, ['a']])
  })

  it('rejects nested models, graph models and unbuilt models with ERR_* codes', async () => {
    const inner = tfl.sequential({ name: 'inner' })
    inner.add(tfl.layers.dense({ inputShape: [3], units: 3 }))
    const outer = tfl.sequential()
    outer.add(inner)
    expect(() => parseTopology(outer.toJSON(null, false))).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_TOPOLOGY', message: expect.stringMatching(/nested Sequential/) }),
    )
    expect(() => parseTopology(new ArrayBuffer(8))).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT', message: expect.stringMatching(/graph model/) }),
    )
    const unbuilt = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }] } }
    expect(() => parseTopology(unbuilt)).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT', message: expect.stringMatching(/declares no input shape/) }),
    )
  })
})
