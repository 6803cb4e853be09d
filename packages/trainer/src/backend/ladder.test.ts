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

  it('forcing an unavailable backend throws with the fix', async () => {
    await expect(selectBackend('tfjs-node')).rejects.toThrow(/asked for tfjs-node\):\n {2}tfjs-node: not installed\n {4}fix: npm i @tensorflow\/tfjs-node@4\.22\.0/)
  })

  it('rejects unknown names, listing the valid ones', async () => {
    await expect(selectBackend('webgl' as never)).rejects.toThrow('unknown backend "webgl". Use one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu.')
  })
})
