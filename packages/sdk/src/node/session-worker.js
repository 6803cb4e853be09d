// One onnxruntime-node session in a worker thread, for the Node entry's worker pool
// (node/worker-ort.ts). Plain JavaScript so that it runs as it is, from src/ in tests and from dist/.
// workerData: { model: Uint8Array, options: SessionOptions }. Messages in: { id, feeds, fetches }
// or { id, release: true }; out: { ready } or { error } once, then { id, result } or { id, error }.
import { parentPort, workerData } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err))

/** @type {import('onnxruntime-node').InferenceSession} */
let session
try {
  session = await ort.InferenceSession.create(workerData.model, workerData.options)
  parentPort?.postMessage({ ready: true })
} catch (err) {
  parentPort?.postMessage({ error: messageOf(err) })
}

parentPort?.on(
  'message',
  async (
    /** @type {{ id: number, release?: boolean, feeds?: Record<string, { type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[] }>, fetches?: string[] }} */ message,
  ) => {
    const { id } = message
    try {
      if (message.release) {
        await session.release()
        parentPort?.postMessage({ id, result: {} })
        return
      }
      const feeds = Object.fromEntries(
        Object.entries(message.feeds ?? {}).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]),
      )
      const outputs = await session.run(feeds, message.fetches ?? [])
      /** @type {Record<string, { type: string, data: unknown, dims: readonly number[] }>} */
      const result = {}
      /** @type {ArrayBuffer[]} */
      const transfer = []
      for (const [name, tensor] of Object.entries(outputs)) {
        result[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims }
        if (ArrayBuffer.isView(tensor.data)) transfer.push(/** @type {ArrayBuffer} */ (tensor.data.buffer))
      }
      parentPort?.postMessage({ id, result }, transfer)
    } catch (err) {
      parentPort?.postMessage({ id, error: messageOf(err) })
    }
  },
)
