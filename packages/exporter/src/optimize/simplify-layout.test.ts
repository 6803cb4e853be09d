import { describe, expect, it } from 'vitest'
import { OnnxGraph } from '../convert/onnx-graph.js'
import { simplifyLayout } from './simplify-layout.js'

function graph(): OnnxGraph {
  const g = new OnnxGraph()
  g.reserve('x')
  return g
}

describe('simplifyLayout', () => {
  it('merges a Reshape read only by another Reshape, unless other nodes or the graph output read it', () => {
    const g = graph()
    const a = g.node('Reshape', ['x', g.int64s('s1', [0, 12])], {}, 'a')
    const b = g.node('Reshape', [a, g.int64s('s2', [0, 3, 4])], {}, 'b')
    g.node('Reshape', [b, g.int64s('s3', [0, 2, 6])], {}, 'c', 'y')
    expect(simplifyLayout(g, ['y'])).toBe(2)
    expect(g.nodes.map((n) => [n.opType, n.inputs])).toEqual([['Reshape', ['x', 's3']]])
    expect([...g.initializers.keys()]).toEqual(['s3'])

    const kept = graph()
    const first = kept.node('Reshape', ['x', kept.int64s('s1', [0, 12])], {}, 'a', 'out1')
    kept.node('Reshape', [first, kept.int64s('s2', [0, 3, 4])], {}, 'b', 'out2')
    expect(simplifyLayout(kept, ['out1', 'out2'])).toBe(0)
  })

  it('composes two Transposes into one, and removes a pair that cancels', () => {
    const g = graph()
    const t = g.node('Transpose', ['x'], { perm: [0, 3, 1, 2] }, 'a')
    g.node('Transpose', [t], { perm: [0, 1, 3, 2] }, 'b', 'y')
    expect(simplifyLayout(g, ['y'])).toBe(1)
    // y[i] = t[perm2[i]] = x[perm1[perm2[i]]]
    expect(g.nodes.map((n) => [n.inputs, n.attributes['perm']])).toEqual([[['x'], [0, 3, 2, 1]]])

    const cancel = graph()
    const u = cancel.node('Transpose', ['x'], { perm: [0, 3, 1, 2] }, 'a')
    const back = cancel.node('Transpose', [u], { perm: [0, 2, 3, 1] }, 'b')
    cancel.node('Relu', [back], {}, 'c', 'y')
    expect(simplifyLayout(cancel, ['y'])).toBe(2)
    expect(cancel.nodes.map((n) => [n.opType, n.inputs])).toEqual([['Relu', ['x']]])
  })

  it('folds a column Gather of an embedding lookup into the table', () => {
    const g = graph()
    const table = g.floats('emb', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6))
    const looked = g.node('Gather', [table, 'x'], { axis: 0 }, 'emb')
    g.node('Gather', [looked, g.int64s('cols', [2, 0, 1])], { axis: 1 }, 'align', 'y')
    expect(simplifyLayout(g, ['y'])).toBe(1)
    expect(g.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([['Gather', ['emb', 'x'], ['y']]])
    expect(g.initializers.get('emb')).toMatchObject({ dims: [2, 3], data: Float32Array.of(3, 1, 2, 6, 4, 5) })
  })
})
