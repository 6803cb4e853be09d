import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from './ladder.js'
import { registerWasmKernels } from './wasm-kernels.js'
import { mulberry32 } from '../random.js'

interface Case {
  batch: number
  size: [number, number]
  inC: number
  outC: number
  k: [number, number]
  s: number
  pad: 'same' | 'valid'
}

const CASES: Case[] = [
  { batch: 2, size: [7, 7], inC: 8, outC: 4, k: [4, 4], s: 2, pad: 'same' }, // DCGAN-like
  { batch: 1, size: [14, 14], inC: 3, outC: 5, k: [5, 5], s: 2, pad: 'same' },
  { batch: 3, size: [9, 8], inC: 4, outC: 6, k: [3, 3], s: 2, pad: 'same' }, // odd/even sizes
  { batch: 2, size: [6, 6], inC: 2, outC: 3, k: [2, 2], s: 2, pad: 'valid' },
  { batch: 2, size: [5, 7], inC: 3, outC: 2, k: [3, 2], s: 1, pad: 'same' },
  { batch: 1, size: [8, 8], inC: 2, outC: 2, k: [3, 3], s: 3, pad: 'valid' }, // kernel = stride
  { batch: 2, size: [10, 10], inC: 4, outC: 4, k: [1, 1], s: 2, pad: 'same' }, // kernel < stride
]

function randomArray(n: number, seed: number): Float32Array {
  const r = mulberry32(seed)
  return Float32Array.from({ length: n }, () => r() * 2 - 1)
}

/** Conv2D filter gradient, Conv2D input gradient and Conv2DTranspose forward, on the active backend. */
function compute(c: Case): { dW: Float32Array; dX: Float32Array; convT: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(randomArray(c.batch * c.size[0] * c.size[1] * c.inC, 1), [c.batch, c.size[0], c.size[1], c.inC])
    const w = tf.tensor4d(randomArray(c.k[0] * c.k[1] * c.inC * c.outC, 2), [c.k[0], c.k[1], c.inC, c.outC])
    const y = tf.conv2d(x, w, c.s, c.pad)
    const dy = tf.tensor4d(randomArray(y.size, 3), y.shape as [number, number, number, number])
    const loss = (xx: tf.Tensor4D, ww: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(xx, ww, c.s, c.pad), dy))
    const [dX, dW] = tf.grads(loss as (...a: tf.Tensor[]) => tf.Tensor)([x, w])
    // Conv2DTranspose of dy back to x's shape: the same op as the input gradient, through its own API.
    const convT = tf.conv2dTranspose(dy, w, x.shape as [number, number, number, number], c.s, c.pad)
    return { dW: dW!.dataSync() as Float32Array, dX: dX!.dataSync() as Float32Array, convT: convT.dataSync() as Float32Array }
  })
}

function maxRelError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length)
  let scale = 0
  for (const v of expected) scale = Math.max(scale, Math.abs(v))
  let err = 0
  for (let i = 0; i < actual.length; i++) err = Math.max(err, Math.abs(actual[i]! - expected[i]!))
  return err / Math.max(scale, 1e-12)
}

describe('wasm conv kernels match the CPU backend', () => {
  const reference = new Map<Case, ReturnType<typeof compute>>()
  beforeAll(async () => {
    await selectBackend('cpu')
    for (const c of CASES) reference.set(c, compute(c))
    await selectBackend('wasm')
  })

  it.each(CASES)('Conv2DBackpropFilter %j', (c) => {
    registerWasmKernels({ fastConvTranspose: true })
    expect(maxRelError(compute(c).dW, reference.get(c)!.dW)).toBeLessThan(1e-5)
  })

  it.each(CASES)('fast Conv2DBackpropInput (input gradient and Conv2DTranspose) %j', (c) => {
    registerWasmKernels({ fastConvTranspose: true })
    const got = compute(c)
    expect(maxRelError(got.dX, reference.get(c)!.dX)).toBeLessThan(1e-5)
    expect(maxRelError(got.convT, reference.get(c)!.convT)).toBeLessThan(1e-5)
  })

  it('stock Conv2DBackpropInput is restored when the fast kernel is switched off', () => {
    registerWasmKernels({ fastConvTranspose: false })
    const c = CASES[0]!
    expect(maxRelError(compute(c).dX, reference.get(c)!.dX)).toBeLessThan(1e-5)
    registerWasmKernels({ fastConvTranspose: true })
  })

  it('frees every intermediate: no tensors or wasm memory grow over repeated calls', () => {
    registerWasmKernels({ fastConvTranspose: true })
    const c = CASES[0]!
    compute(c)
    const tensors = tf.memory().numTensors
    const bytes = tf.memory().numBytes
    for (let i = 0; i < 20; i++) compute(c)
    expect(tf.memory().numTensors).toBe(tensors)
    expect(tf.memory().numBytes).toBe(bytes)
  })
})
