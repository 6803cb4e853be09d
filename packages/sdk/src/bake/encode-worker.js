// One PNG encoder thread of a bake (bake/encode.ts): fast-png's encode on the inputs that
// GeneratedImage.pngInput() prepares, so no encoding logic lives here. Plain JavaScript, so that it
// runs as it is from src/ in tests; the build bundles fast-png into dist/encode-worker.js.
import { parentPort } from 'node:worker_threads'
import { encode } from 'fast-png'

parentPort?.postMessage({ ready: true })
parentPort?.on('message', (/** @type {{ id: number, inputs: import('fast-png').ImageData[] }} */ { id, inputs }) => {
  try {
    const result = inputs.map((input) => encode(input))
    parentPort?.postMessage(
      { id, result },
      result.map((png) => /** @type {ArrayBuffer} */ (png.buffer)),
    )
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
})
