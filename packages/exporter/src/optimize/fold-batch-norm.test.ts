import { describe, expect, it } from 'vitest'
import { OnnxGraph } from '../convert/onnx-graph.js'
import { foldBatchNorms } from './fold-batch-norm.js'

/** x → `op`(W, [b]) → BatchNormalization: s = gamma/√(var + eps) = [1, 0.25] with var [3, 15], eps 1. */
function graphWith(op: 'Gemm' | 'Conv' | 'ConvTranspose', dims: number[], kernel: number[], bias?: number[]): OnnxGraph {
  const g = new OnnxGraph()
  g.reserve('x')
  const inputs = ['x', g.floats('layer/kernel', dims, Float32Array.from(kernel))]
  if (bias) inputs.push(g.floats('layer/bias', [2], Float32Array.from(bias)))
  const y = g.node(op, inputs, {}, 'layer')
  const params = [
    [2, 1],
    [0, 1],
    [1, 0],
    [3, 15],
  ].map((v, i) => g.floats(`bn/p${i}`, [2], Float32Array.from(v)))
  g.node('BatchNormalization', [y, ...params], { epsilon: { float: 1 } }, 'bn', 'out')
  return g
}

const values = (g: OnnxGraph, name: string) => [...(g.initializers.get(name)!.data as Float32Array)]

describe('foldBatchNorms', () => {
  it('Gemm: scales the kernel’s columns and folds mean and beta into the bias', () => {
    const g = graphWith('Gemm', [1, 2], [1, 2], [0.5, -1])
    expect(foldBatchNorms(g)).toBe(1)
    expect(g.nodes.map((n) => [n.opType, n.outputs[0]])).toEqual([['Gemm', 'out']])
    expect(values(g, 'layer/kernel')).toEqual([1, 0.5])
    // (b − mean)·s + beta
    expect(values(g, 'layer/bias')).toEqual([(0.5 - 1) * 1 + 0, (-1 - 0) * 0.25 + 1])
    expect([...g.initializers.keys()]).toEqual(['layer/kernel', 'layer/bias'])
  })

  it('Conv scales output channels on axis 0, ConvTranspose on axis 1, adding a bias when there is none', () => {
    const conv = graphWith('Conv', [2, 1, 1, 2], [1, 1, 2, 2])
    foldBatchNorms(conv)
    expect(values(conv, 'layer/kernel')).toEqual([1, 1, 0.5, 0.5])
    expect(conv.nodes[0]!.inputs).toEqual(['x', 'layer/kernel', 'layer/bias'])
    expect(values(conv, 'layer/bias')).toEqual([-1, 1])
    const transposed = graphWith('ConvTranspose', [1, 2, 1, 2], [1, 1, 2, 2])
    foldBatchNorms(transposed)
    expect(values(transposed, 'layer/kernel')).toEqual([1, 1, 0.5, 0.5])
  })

  it('leaves a batch norm alone when another node reads its input or another op makes it', () => {
    const shared = graphWith('Gemm', [1, 2], [1, 2])
    shared.node('Relu', [shared.nodes[0]!.outputs[0]!], {}, 'other')
    expect(foldBatchNorms(shared)).toBe(0)
    const afterRelu = new OnnxGraph()
    afterRelu.reserve('x')
    const r = afterRelu.node('Relu', ['x'], {}, 'relu')
    afterRelu.node('BatchNormalization', [r, ...[0, 1, 2, 3].map((i) => afterRelu.floats(`p${i}`, [1], Float32Array.of(1)))], {}, 'bn')
    expect(foldBatchNorms(afterRelu)).toBe(0)
    expect(afterRelu.nodes).toHaveLength(2)
  })

  it('a fold that overflows float32 is ERR_INVALID_WEIGHTS', () => {
    const g = graphWith('Gemm', [1, 2], [3e38, 1])
    g.initializers.get('bn/p3')!.data = Float32Array.of(-0.9999999, 0)
    expect(() => foldBatchNorms(g)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_WEIGHTS', message: expect.stringMatching(/overflows float32/) }),
    )
  })
})
