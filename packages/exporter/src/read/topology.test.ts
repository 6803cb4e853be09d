import { describe, expect, it } from 'vitest'
import { artifactsOf, tfl } from '../testing/fixtures.js'
import { parseTopology } from './topology.js'

type Sym = tfl.SymbolicTensor

describe('parseTopology', () => {
  it('reads a Sequential model as its layer list with the input shape', async () => {
    const m = tfl.sequential({ name: 'g' })
    m.add(tfl.layers.dense({ inputShape: [5], units: 4, name: 'd' }))
    m.add(tfl.layers.reshape({ targetShape: [2, 2, 1], name: 'r' }))
    const t = parseTopology((await artifactsOf(m)).modelTopology)
    expect(t).toMatchObject({ modelName: 'g', inputShape: [null, 5] })
    expect(t.layers.map((l) => [l.className, l.name])).toEqual([
      ['Dense', 'd'],
      ['Reshape', 'r'],
    ])
  })

  it('orders a single-chain functional model from input to output, whatever the listing order', async () => {
    const input = tfl.input({ shape: [3], name: 'z' })
    const a = tfl.layers.dense({ units: 4, name: 'a' }).apply(input) as Sym
    const b = tfl.layers.dense({ units: 4, name: 'b' }).apply(a) as Sym
    const topology = (await artifactsOf(tfl.model({ inputs: input, outputs: b }))).modelTopology as { config: { layers: unknown[] } }
    topology.config.layers.reverse()
    expect(parseTopology(topology).layers.map((l) => l.name)).toEqual(['z', 'a', 'b'])
  })

  it('accepts the Keras { model_config } wrapper', async () => {
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [2], units: 1, name: 'only' }))
    expect(parseTopology({ model_config: (await artifactsOf(m)).modelTopology }).layers[0]!.name).toBe('only')
  })

  it('explains why a functional model is not a chain', async () => {
    const input = tfl.input({ shape: [4], name: 'z' })
    const a = tfl.layers.dense({ units: 4, name: 'a' }).apply(input) as Sym
    const b = tfl.layers.dense({ units: 4, name: 'b' }).apply(input) as Sym
    const merged = tfl.layers.add({ name: 'sum' }).apply([a, b]) as Sym
    const branching = (await artifactsOf(tfl.model({ inputs: input, outputs: merged }))).modelTopology
    expect(() => parseTopology(branching)).toThrow(
      expect.objectContaining({
        code: 'ERR_UNSUPPORTED_TOPOLOGY',
        message: expect.stringMatching(/"z" feeds both "a" and "b" \(a branch\)/),
      }),
    )
    const mergeFirst = branching as { config: { layers: Array<{ name: string }> } }
    mergeFirst.config.layers.sort((l) => (l.name === 'sum' ? -1 : 0))
    expect(() => parseTopology(mergeFirst)).toThrow(/"sum" takes 2 inputs \(a merge/)

    const shared = tfl.layers.dense({ units: 4, name: 'shared' })
    const twice = shared.apply(shared.apply(input) as Sym) as Sym
    const sharing = (await artifactsOf(tfl.model({ inputs: input, outputs: twice }))).modelTopology
    expect(() => parseTopology(sharing)).toThrow(/"shared" is called 2 times \(a shared layer\)/)

    const x = tfl.input({ shape: [2], name: 'x' })
    const y = tfl.input({ shape: [2], name: 'y' })
    const two = (await artifactsOf(tfl.model({ inputs: [x, y], outputs: tfl.layers.concatenate().apply([x, y]) as Sym }))).modelTopology
    expect(() => parseTopology(two)).toThrow(/2 inputs and 1 outputs/)
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
