import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { mulberry32 } from '../random.js'
import { selectBackend } from './ladder.js'
import { MIRROR_PAD_GRAD, mirrorPadGrad } from './mirror-pad-grad.js'

const random = (shape: [number, number, number, number], seed: number) => {
  const r = mulberry32(seed)
  return tf.tensor4d(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1),
    shape,
  )
}

/** mirrorPadGrad of `dy` on `backend`, as plain numbers. */
async function gradOn(backend: 'cpu' | 'wasm', shape: [number, number, number, number], padding: number, seed: number) {
  await tf.setBackend(backend)
  const dy = random(shape, seed)
  const dx = mirrorPadGrad(dy, padding)
  const out = { shape: dx.shape, values: Array.from(dx.dataSync()) }
  tf.dispose([dy, dx])
  return out
}

describe('mirrorPadGrad', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('runs as one kernel on wasm, and the composition elsewhere', async () => {
    expect(tf.getKernel(MIRROR_PAD_GRAD, 'wasm')).toBeDefined()
    expect(tf.getKernel(MIRROR_PAD_GRAD, 'cpu')).toBeUndefined()
  })

  it.each([
    [[2, 6, 5, 3], 1],
    [[1, 7, 9, 2], 2],
    [[3, 4, 4, 1], 1],
    [[1, 34, 34, 64], 1],
  ] as const)('dy %j, padding %i: the wasm kernel gives the composition’s sums', async (shape, padding) => {
    const fast = await gradOn('wasm', [...shape], padding, 11)
    const composed = await gradOn('cpu', [...shape], padding, 11)
    expect(fast.shape).toEqual([shape[0], shape[1] - 2 * padding, shape[2] - 2 * padding, shape[3]])
    expect(fast.shape).toEqual(composed.shape)
    const worst = Math.max(...fast.values.map((v, i) => Math.abs(v - composed.values[i]!)))
    expect(worst).toBeLessThan(1e-6)
    await tf.setBackend('wasm')
  })

  it('is the adjoint of tf.mirrorPad: ⟨pad(x), dy⟩ = ⟨x, grad(dy)⟩', async () => {
    await tf.setBackend('wasm')
    const x = random([2, 5, 6, 3], 3)
    const dy = random([2, 9, 10, 3], 4)
    const padded = tf.mirrorPad(
      x,
      [
        [0, 0],
        [2, 2],
        [2, 2],
        [0, 0],
      ],
      'reflect',
    )
    const dx = mirrorPadGrad(dy, 2)
    const [left, right] = [tf.sum(tf.mul(padded, dy)), tf.sum(tf.mul(x, dx))].map((t) => t.dataSync()[0]!)
    expect(Math.abs(left! - right!)).toBeLessThan(1e-4)
    tf.dispose([x, dy, padded, dx])
  })
})
