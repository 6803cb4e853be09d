import { Worker } from 'node:worker_threads'
import type { WorkerPort } from '../core/worker-pool.js'

/** A Node worker thread running `script` with `workerData`, as the core's WorkerPool drives it. */
export function nodeWorkerPort(script: URL, workerData?: unknown): WorkerPort {
  const worker = new Worker(script, { workerData })
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => {
      worker.on('error', listener)
      worker.on('exit', (code) => listener(new Error(`a worker thread exited (code ${code})`)))
    },
    terminate: () => worker.terminate(),
    keepAlive: (alive) => (alive ? worker.ref() : worker.unref()),
  }
}
