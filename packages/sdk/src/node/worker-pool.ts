import { Worker } from 'node:worker_threads'

/** What a pooled worker answers: `{ ready }` or `{ error }` once at start, then `{ id, result }` or `{ id, error }` per request. */
type Reply<R> = { id?: number; ready?: true; result?: R; error?: string }

/**
 * A fixed set of worker threads running one script, each request going to the least busy worker.
 * The script answers each `{ id, …request }` message with `{ id, result }` or `{ id, error }`, and
 * signals once at start with `{ ready: true }` or `{ error }`. Idle workers do not keep the process
 * alive. Used by the inference pool (session-worker.js) and the bake's PNG encoders (encode-worker.js).
 */
export class WorkerPool<Request extends object, Result> {
  readonly #workers: PooledWorker<Result>[]

  private constructor(workers: PooledWorker<Result>[]) {
    this.#workers = workers
  }

  /** Start `size` workers of `script` with `workerData`; rejects (and stops them all) if any fails to start. */
  static async start<Request extends object, Result>(
    script: URL,
    size: number,
    workerData?: unknown,
  ): Promise<WorkerPool<Request, Result>> {
    const workers = Array.from({ length: size }, () => new PooledWorker<Result>(script, workerData))
    const started = await Promise.allSettled(workers.map((w) => w.ready))
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed !== undefined) {
      await Promise.all(workers.map((w) => w.terminate()))
      throw failed.reason
    }
    return new WorkerPool<Request, Result>(workers)
  }

  get size(): number {
    return this.#workers.length
  }

  /** Send `request` to the least busy worker; `transfer` moves buffers instead of copying them. */
  request(request: Request, transfer: ArrayBuffer[] = []): Promise<Result> {
    const worker = this.#workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a))
    return worker.request(request, transfer)
  }

  /** Send `request` to every worker (e.g. to release their resources). */
  broadcast(request: Request): Promise<Result[]> {
    return Promise.all(this.#workers.map((w) => w.request(request, [])))
  }

  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()))
  }
}

class PooledWorker<Result> {
  readonly #worker: Worker
  readonly #pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>()
  #next = 0
  readonly ready: Promise<void>

  constructor(script: URL, workerData: unknown) {
    this.#worker = new Worker(script, { workerData })
    this.#worker.unref()
    this.ready = new Promise((resolve, reject) => {
      this.#worker.once('message', (m: Reply<Result>) => (m.ready ? resolve() : reject(new Error(m.error))))
      this.#worker.once('error', reject)
    })
    this.#worker.on('message', (m: Reply<Result>) => {
      const pending = m.id === undefined ? undefined : this.#pending.get(m.id)
      if (pending === undefined) return
      this.#pending.delete(m.id!)
      if (m.error !== undefined) pending.reject(new Error(m.error))
      else pending.resolve(m.result as Result)
      if (this.#pending.size === 0) this.#worker.unref()
    })
    this.#worker.on('error', (err) => this.#failAll(err))
    this.#worker.on('exit', (code) => this.#failAll(new Error(`a worker thread exited (code ${code})`)))
  }

  get inFlight(): number {
    return this.#pending.size
  }

  request(message: object, transfer: ArrayBuffer[]): Promise<Result> {
    const id = this.#next++
    return new Promise<Result>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#worker.ref()
      this.#worker.postMessage({ id, ...message }, transfer)
    })
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate()
  }

  #failAll(err: Error): void {
    for (const { reject } of this.#pending.values()) reject(err)
    this.#pending.clear()
  }
}
