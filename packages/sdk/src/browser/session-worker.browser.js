// One onnxruntime-web session in a Web Worker, for the browser build's `worker: true`
// (browser/worker-port.ts). Plain JavaScript with a bare import, so that the app's bundler bundles
// it as it bundles the page (new Worker(new URL(…, import.meta.url), { type: 'module' })).
// First message in: { init: { model, options, wasmPaths, numThreads } }; out: { ready } or { error };
// then { id, feeds, fetches } or { id, release } → { id, result } or { id, error }.
import * as ort from 'onnxruntime-web/webgpu'

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err))

/** @type {import('onnxruntime-web').InferenceSession | undefined} */
let session

self.addEventListener('message', async (/** @type {MessageEvent} */ { data }) => {
  if (data.init !== undefined) {
    try {
      const { model, options, wasmPaths, numThreads } = data.init
      if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths
      ort.env.wasm.numThreads = numThreads
      session = await ort.InferenceSession.create(model, options)
      self.postMessage({ ready: true })
    } catch (err) {
      self.postMessage({ error: messageOf(err) })
    }
    return
  }
  const { id } = data
  try {
    if (session === undefined) throw new Error('the worker has no session')
    if (data.release) {
      await session.release()
      self.postMessage({ id, result: {} })
      return
    }
    const feeds = Object.fromEntries(Object.entries(data.feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]))
    const outputs = await session.run(feeds, data.fetches)
    /** @type {Record<string, { type: string, data: unknown, dims: readonly number[] }>} */
    const result = {}
    /** @type {ArrayBuffer[]} */
    const transfer = []
    for (const [name, tensor] of Object.entries(outputs)) {
      result[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims }
      if (ArrayBuffer.isView(tensor.data)) transfer.push(/** @type {ArrayBuffer} */ (tensor.data.buffer))
    }
    self.postMessage({ id, result }, { transfer })
  } catch (err) {
    self.postMessage({ id, error: messageOf(err) })
  }
})
