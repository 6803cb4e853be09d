import * as tf from '@tensorflow/tfjs-core'
import { expect, it, vi } from 'vitest'
import { selectBackend } from './ladder.js'

// A wasm package that imports but registers nothing: installed, yet unable to start. Own file, so
// that no other test has registered the real wasm backend with the (global) TF.js engine.
vi.mock('@tensorflow/tfjs-backend-wasm', () => ({}))

it('auto never falls back to cpu silently, and gives a broken (installed) backend a repair hint', async () => {
  await expect(selectBackend('auto')).rejects.toThrow(
    /tried tfjs-node-gpu → tfjs-node → wasm\):\n {2}tfjs-node-gpu: not installed\n[\s\S]*\n {2}wasm: @tensorflow\/tfjs-backend-wasm loaded but registered no "wasm" backend[^\n]*\n {4}fix: reinstall @tensorflow\/tfjs-backend-wasm@4\.22\.0; a bundle must keep it external/,
  )
  expect(tf.findBackend('cpu')).toBeNull()
})
