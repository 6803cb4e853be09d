import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './ladder.js'

describe('selectBackend', () => {
  it('auto falls down the ladder to wasm here and says why it skipped the others', async () => {
    const sel = await selectBackend('auto')
    expect(sel.name).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(sel.tried).toEqual([
      { name: 'tfjs-node-gpu', error: 'not installed' },
      { name: 'tfjs-node', error: 'not installed' },
    ])
  })

  it('leaves wasm able to train convnets: the missing filter-gradient kernel is registered', async () => {
    await selectBackend('auto')
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
    const dW = tf.tidy(() =>
      tf.grad((w) => tf.sum(tf.conv2d(tf.ones([1, 3, 3, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid')))(tf.ones([2, 2, 1, 1])),
    )
    expect(Array.from(await dW.data())).toEqual([4, 4, 4, 4])
    dW.dispose()
  })

  it("reports the wasm kernels: ONNX Runtime's by default, the sub-pixel or stock ones when asked", async () => {
    expect((await selectBackend('auto')).kernels).toEqual({ set: 'onnxruntime' })
    expect((await selectBackend('wasm', { onnxRuntime: false })).kernels).toEqual({ set: 'sub-pixel' })
    expect((await selectBackend('wasm', { onnxRuntime: false, fastConvTranspose: false })).kernels).toEqual({ set: 'stock' })
    expect((await selectBackend('wasm')).kernels).toEqual({ set: 'onnxruntime' })
    expect((await selectBackend('cpu')).kernels).toBeUndefined()
    await selectBackend('wasm')
  })

  it('forcing an unavailable backend throws with the fix', async () => {
    await expect(selectBackend('tfjs-node')).rejects.toThrow(
      /asked for tfjs-node\):\n {2}tfjs-node: not installed\n {4}fix: npm i @tensorflow\/tfjs-node@4\.22\.0/,
    )
    await expect(selectBackend('tfjs-node')).rejects.toMatchObject({ name: 'TrainError', code: 'ERR_BACKEND' })
  })

  it('runs pure-JS cpu when asked for by name', async () => {
    expect(await selectBackend('cpu')).toEqual({ name: 'cpu', tried: [] })
    expect(tf.getBackend()).toBe('cpu')
  })

  it('rejects unknown names, listing the valid ones', async () => {
    await expect(selectBackend('webgl' as never)).rejects.toThrow(
      'unknown backend "webgl". Use one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu.',
    )
    await expect(selectBackend('webgl' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
  })
})
