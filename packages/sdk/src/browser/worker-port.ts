import type { WorkerPort } from '../core/worker-pool.js'

/** A module Web Worker running `script`, sent `init` as its first message, as the core's WorkerPool drives it. */
export function browserWorkerPort(script: URL, init: unknown): WorkerPort {
  const worker = new Worker(script, { type: 'module' })
  worker.postMessage({ init })
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError: (listener) =>
      worker.addEventListener('error', (event) => listener(new Error(event.message || 'the Web Worker failed to start'))),
    terminate: () => worker.terminate(),
  }
}
