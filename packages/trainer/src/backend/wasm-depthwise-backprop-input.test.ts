import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './ladder.js'
import { mulberry32 } from '../random.js'

interface Case {
  x: [number, number, number, number]
  k: [number, number]
  mult: number
  strides: number | [number, number]
  pad: 'same' | 'valid' | number
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], k: [3, 3], mult: 1, strides: 1, pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], mult: 1, strides: 2, pad: 'same' },
  { x: [1, 9, 7, 4], k: [3, 3], mult: 1, strides: 2, pad: 'same' },
  { x: [1, 9, 7, 4], k: [3, 3], mult: 1, strides: 2, pad: 'valid' },
  { x: [3, 6, 6, 2], k: [5, 3], mult: 2, strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], k: [3, 3], mult: 2, strides: 2, pad: 'valid' },
]

function tensor(shape: number[], seed: number): tf.Tensor {
  const rand = mulberry32(seed)
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rand() * 2 - 1),
    shape,
  )
}

/** The kernel's dx for `cs` on the current backend, and the input gradient of a depthwise conv through tf.grad. */
function run(cs: Case): { kernel: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const filter = tensor([...cs.k, cs.x[3], cs.mult], 1) as tf.Tensor4D
    const y = tf.depthwiseConv2d(tf.zeros(cs.x) as tf.Tensor4D, filter, cs.strides, cs.pad)
    const dy = tensor(y.shape, 2)
    const attrs = { strides: cs.strides, pad: cs.pad, dilations: 1, inputShape: cs.x }
    const kernel = tf
      .engine()
      .runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu6(tf.depthwiseConv2d(x as tf.Tensor4D, filter, cs.strides, cs.pad)), dy)))(
      tensor(cs.x, 3),
    )
    return { kernel: kernel.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array }
  })
}

function maxError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let err = 0
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!))
  return err
}

describe('wasm DepthwiseConv2dNativeBackpropInput', () => {
  it('matches the CPU backend, as a kernel and as the input gradient of depthwise conv → relu6', async () => {
    await selectBackend('cpu')
    const want = CASES.map(run)
    await selectBackend('wasm')
    const tensors = tf.memory().numTensors
    const got = CASES.map(run)
    expect(tf.memory().numTensors).toBe(tensors)
    got.forEach((g, i) => {
      expect(maxError(g.kernel, want[i]!.kernel), JSON.stringify(CASES[i])).toBeLessThan(1e-5)
      expect(maxError(g.grad, want[i]!.grad), JSON.stringify(CASES[i])).toBeLessThan(1e-5)
    })
  })

  it('is the adjoint of a dilated depthwise conv: Σ dy · conv(x) = Σ dx · x (TF.js differentiates undilated ones only)', async () => {
    await selectBackend('wasm')
    const [forward, adjoint] = tf.tidy(() => {
      const x = tensor([2, 10, 10, 5], 4) as tf.Tensor4D
      const filter = tensor([3, 3, 5, 3], 5) as tf.Tensor4D
      const y = tf.depthwiseConv2d(x, filter, 1, 'same', 'NHWC', 2)
      const dy = tensor(y.shape, 6)
      const attrs = { strides: 1, pad: 'same', dilations: 2, inputShape: x.shape }
      const dx = tf
        .engine()
        .runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
      return [tf.sum(tf.mul(dy, y)).dataSync()[0]!, tf.sum(tf.mul(dx, x)).dataSync()[0]!]
    })
    expect(Math.abs(forward - adjoint)).toBeLessThan(1e-4 * Math.abs(forward))
  })

  it('refuses a dy whose shape does not follow from the input, strides and pad', async () => {
    await selectBackend('wasm')
    const attrs = { strides: 2, pad: 'same', dilations: 1, inputShape: [1, 8, 8, 2] }
    expect(() =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy: tf.zeros([1, 8, 8, 2]), filter: tf.zeros([3, 3, 2, 1]) },
            attrs as unknown as tf.NamedAttrMap,
          ),
      ),
    ).toThrow(/dy is 1×8×8×2, the input 1×8×8×2 with this filter, strides and pad gives 1×4×4×2/)
  })
})
