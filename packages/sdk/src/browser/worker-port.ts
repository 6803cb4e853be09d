import type { WorkerPort } from '../core/worker-pool.js'

/**
 * A module Web Worker, sent `init` as its first message, as the core's WorkerPool drives it. The
 * caller constructs the worker as `new Worker(new URL('./x.js', import.meta.url), { type: 'module' })`
 * in one expression: the pattern bundlers (Vite, webpack, Parcel) recognise to bundle the worker's
 * script; a URL made elsewhere is taken for a plain asset, and its imports are left unresolved.
 */
export function browserWorkerPort(worker: Worker, init: unknown): WorkerPort {
  worker.postMessage({ init })
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError: (listener) =>
      worker.addEventListener('error', (event) => listener(new Error(event.message || 'the Web Worker failed to start'))),
    terminate: () => worker.terminate(),
  }
}
