import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { mulberry32 } from '../random.js'
import { selectBackend } from './ladder.js'
import { LEAKY_RELU_GRAD } from './wasm-leaky-relu-grad.js'
import { tileValues } from './wasm-tile.js'

const random = (shape: number[], seed: number) => {
  const r = mulberry32(seed)
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1),
    shape,
  )
}

const TILES: Array<[number[], number[]]> = [
  [
    [1, 1, 1, 64],
    [4, 3, 5, 1],
  ], // BatchNorm's gradient: per-channel factors to the activations' shape
  [
    [1, 6272],
    [8, 1],
  ],
  [
    [2, 3],
    [3, 2],
  ],
  [[3], [5]],
  [
    [2, 1, 3],
    [1, 4, 1],
  ],
  [
    [2, 2, 1, 2, 3],
    [2, 1, 3, 2, 1],
  ],
  [
    [4, 5],
    [1, 1],
  ],
]

// [a, b, transposeA, transposeB]: every Dense gradient's shapes, batched and broadcast ones, and one column.
const PRODUCTS: Array<[number[], number[], boolean, boolean]> = [
  [[1, 8, 10], [1, 8, 40], true, false],
  [[1, 8, 40], [1, 10, 40], false, true],
  [[8, 10], [40, 10], false, true],
  [[3, 5, 6], [3, 7, 5], true, true],
  [[2, 3, 6, 5], [1, 5, 20], false, false],
  [[2, 6, 5], [20, 6], true, true],
  [[1, 8, 30], [1, 8, 1], true, false],
  // Batch 1 against other ranks: not a single product, so not ONNX Runtime's Gemm.
  [[1, 6, 1], [1, 5], false, false],
  [[1, 3, 4], [1, 2, 4, 5], false, false],
]

// [shape, axes, keepDims]: leading axes take the column-sum path, the others the stock kernels.
const REDUCTIONS: Array<[number[], number | number[], boolean]> = [
  [[4, 6, 6, 8], [0, 1, 2], false],
  [[4, 6, 6, 8], [2, 0, 1], true],
  [[5, 7], 0, false],
  [[3, 4, 5], [-3, -2], false],
  [[3, 4, 5], [0, 1, 2], false],
  [[4, 6, 6, 8], [1, 2], false],
  [[4, 6, 6, 8], -1, true],
]

function compute() {
  return tf.tidy(() => ({
    tiles: TILES.map(([shape, reps], i) => Array.from(tf.tile(random(shape, i), reps).dataSync())),
    intTile: Array.from(tf.tile(tf.tensor([[1, 2, 3]], [1, 3], 'int32'), [2, 2]).dataSync()),
    sums: REDUCTIONS.map(([shape, axes, keep], i) => Array.from(tf.sum(random(shape, i), axes, keep).dataSync())),
    means: REDUCTIONS.map(([shape, axes, keep], i) => Array.from(tf.mean(random(shape, i), axes, keep).dataSync())),
    shapes: REDUCTIONS.map(([shape, axes, keep], i) => [
      tf.sum(random(shape, i), axes, keep).shape,
      tf.mean(random(shape, i), axes, keep).shape,
    ]),
    intSum: Array.from(
      tf
        .sum(
          tf.tensor(
            [
              [1, 2],
              [3, 4],
            ],
            [2, 2],
            'int32',
          ),
          0,
        )
        .dataSync(),
    ),
    leakyReluGrads: [0.2, 0.01].map((alpha, i) => {
      // Zeros and negatives included: the mask is x > 0.
      const x = tf.concat([random([4, 5, 5, 6], 50 + i), tf.zeros([1, 5, 5, 6])])
      const weights = random(x.shape, 60 + i)
      return Array.from(
        tf
          .grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, alpha), weights)))(x)
          .dataSync(),
      )
    }),
    products: PRODUCTS.map(([a, b, ta, tb], i) => Array.from(tf.matMul(random(a, i), random(b, i + 100), ta, tb).dataSync())),
  }))
}

function expectClose(got: number[][], want: number[][]): void {
  got.forEach((values, i) => {
    expect(values).toHaveLength(want[i]!.length)
    const scale = Math.max(...want[i]!.map(Math.abs))
    expect(Math.max(...values.map((v, j) => Math.abs(v - want[i]![j]!))) / scale).toBeLessThan(1e-5)
  })
}

describe('wasm Tile, BatchMatMul, Sum, Mean and LeakyReLU-gradient kernels', () => {
  let reference: ReturnType<typeof compute>
  beforeAll(async () => {
    await selectBackend('cpu')
    reference = compute()
    await selectBackend('wasm')
  })

  it("Tile gives the CPU backend's values exactly, float32 and int32", () => {
    const got = compute()
    expect(got.tiles).toEqual(reference.tiles)
    expect(got.intTile).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3])
    expect(tileValues(Float32Array.of(1, 2), [2], [1])).toEqual(Float32Array.of(1, 2))
  })

  it('transposed products match the CPU backend to 1e-5', () => {
    expectClose(compute().products, reference.products)
  })

  it('sums and means over leading axes (and the others) match the CPU backend to 1e-5, shapes and keepDims included', () => {
    const got = compute()
    expectClose(got.sums, reference.sums)
    expectClose(got.means, reference.means)
    expect(got.shapes).toEqual(reference.shapes)
    expect(got.intSum).toEqual([4, 6])
  })

  it("LeakyReLU's gradient is one kernel, with the CPU backend's values exactly", async () => {
    expect(compute().leakyReluGrads).toEqual(reference.leakyReluGrads)
    const x = random([2, 3, 3, 4], 7)
    const profile = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.leakyRelu(v, 0.2)))(x))
    expect(profile.kernelNames).toContain(LEAKY_RELU_GRAD)
    expect(profile.kernelNames).not.toContain('Select')
    tf.dispose([x, profile.result as tf.Tensor])
  })

  it("LeakyReLU's gradient has a gradient (a gradient penalty through D), the CPU backend's", async () => {
    // d/dv Σ w·∂/∂v Σ u·leakyRelu(v) = 0 (piecewise linear), and the penalty's gradient flows to u.
    const run = () =>
      tf.tidy(() => {
        const v = random([2, 3, 3, 4], 8)
        const u = random([2, 3, 3, 4], 9)
        const w = random([2, 3, 3, 4], 10)
        const inner = (uu: tf.Tensor) => tf.grad((vv: tf.Tensor) => tf.sum(tf.mul(uu, tf.leakyRelu(vv, 0.2))))(v)
        return Array.from(
          tf
            .grad((uu: tf.Tensor) => tf.sum(tf.mul(w, inner(uu))))(u)
            .dataSync(),
        )
      })
    const wasm = run()
    await selectBackend('cpu')
    const cpu = run()
    await selectBackend('wasm')
    expect(wasm).toEqual(cpu)
    expect(wasm.some((g) => g !== 0)).toBe(true)
  })

  it('free what they allocate', () => {
    const backend = tf.backend() as BackendWasm
    compute()
    const before = { tensors: tf.memory().numTensors, buffers: backend.numDataIds() }
    for (let i = 0; i < 5; i++) compute()
    expect({ tensors: tf.memory().numTensors, buffers: backend.numDataIds() }).toEqual(before)
  })
})
