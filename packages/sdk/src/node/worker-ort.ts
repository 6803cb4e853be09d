import type * as OrtCommon from 'onnxruntime-common'
import { Worker } from 'node:worker_threads'
import type { Ort, OrtSession } from '../core/ort-session.js'

type WireTensor = { type: OrtCommon.Tensor.Type; data: OrtCommon.Tensor.DataType; dims: readonly number[] }
type Reply = { id: number; result?: Record<string, WireTensor>; error?: string }

/**
 * An `ort` namespace whose sessions run in `workers` worker threads, each holding its own
 * onnxruntime-node session of the model: `run()` sends the feeds to the least busy worker and
 * resolves with its outputs, so inference never blocks the calling thread's event loop. The core's
 * session code (core/ort-session.ts) drives it exactly as it drives onnxruntime-node itself.
 */
export function createWorkerOrt(ort: Pick<Ort, 'Tensor'>, workers: number): Ort {
  return {
    Tensor: ort.Tensor,
    InferenceSession: {
      async create(model, options) {
        const pool = Array.from({ length: workers }, () => new PooledWorker(model, options))
        const started = await Promise.allSettled(pool.map((w) => w.ready))
        const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
        if (failed !== undefined) {
          await Promise.all(pool.map((w) => w.terminate()))
          throw failed.reason
        }
        return new PoolSession(pool, ort.Tensor)
      },
    },
  }
}

class PoolSession implements OrtSession {
  constructor(
    readonly pool: PooledWorker[],
    readonly Tensor: typeof OrtCommon.Tensor,
  ) {}

  async run(feeds: Record<string, OrtCommon.Tensor>, fetches: string[]): Promise<Record<string, OrtCommon.OnnxValue>> {
    const worker = this.pool.reduce((a, b) => (b.inFlight < a.inFlight ? b : a))
    const wire = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { type: t.type, data: t.data, dims: t.dims }]))
    const result = await worker.request({ feeds: wire, fetches })
    return Object.fromEntries(
      Object.entries(result).map(([name, t]) => [name, new this.Tensor(t.type as 'float32', t.data as Float32Array, t.dims)]),
    )
  }

  async release(): Promise<void> {
    await Promise.all(this.pool.map((w) => w.request({ release: true }).finally(() => w.terminate())))
  }
}

class PooledWorker {
  readonly #worker: Worker
  readonly #pending = new Map<number, { resolve: (r: Record<string, WireTensor>) => void; reject: (e: Error) => void }>()
  #next = 0
  readonly ready: Promise<void>

  constructor(model: Uint8Array, options: OrtCommon.InferenceSession.SessionOptions) {
    this.#worker = new Worker(new URL('./session-worker.js', import.meta.url), { workerData: { model, options } })
    this.#worker.unref()
    this.ready = new Promise((resolve, reject) => {
      this.#worker.once('message', (m: { ready?: true; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error))))
      this.#worker.once('error', reject)
    })
    this.#worker.on('message', (m: Reply) => {
      const pending = this.#pending.get(m.id)
      if (pending === undefined) return
      this.#pending.delete(m.id)
      if (m.error !== undefined) pending.reject(new Error(m.error))
      else pending.resolve(m.result ?? {})
    })
    this.#worker.on('error', (err) => this.#failAll(err))
    this.#worker.on('exit', (code) => this.#failAll(new Error(`the inference worker exited (code ${code})`)))
  }

  get inFlight(): number {
    return this.#pending.size
  }

  request(message: { feeds?: Record<string, WireTensor>; fetches?: string[]; release?: true }): Promise<Record<string, WireTensor>> {
    const id = this.#next++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#worker.ref()
      this.#worker.postMessage({ id, ...message })
    }).finally(() => {
      if (this.#pending.size === 0) this.#worker.unref()
    }) as Promise<Record<string, WireTensor>>
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate()
  }

  #failAll(err: Error): void {
    for (const { reject } of this.#pending.values()) reject(err)
    this.#pending.clear()
  }
}
