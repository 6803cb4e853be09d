/**
 * A worker thread as the pool needs it, whatever the platform: Node's worker_threads
 * (node/worker-port.ts) or a browser's Web Worker (browser/worker-port.ts).
 */
export interface WorkerPort {
  post(message: object, transfer: ArrayBuffer[]): void
  onMessage(listener: (message: unknown) => void): void
  onError(listener: (error: Error) => void): void
  terminate(): Promise<unknown> | void
  /** Whether the thread may keep the process alive (Node); absent where that means nothing. */
  keepAlive?(alive: boolean): void
}

/** What a pooled worker answers: `{ ready }` or `{ error }` once at start, then `{ id, result }` or `{ id, error }` per request. */
type Reply<R> = { id?: number; ready?: true; result?: R; error?: string }

/**
 * A fixed set of worker threads running one script, each request going to the least busy worker.
 * The script answers each `{ id, …request }` message with `{ id, result }` or `{ id, error }`, and
 * signals once at start with `{ ready: true }` or `{ error }`. Idle workers do not keep a Node
 * process alive. Used for inference off the calling thread (session-worker.js in Node and in
 * browsers) and for a bake's writers (write-worker.js).
 */
export class WorkerPool<Request extends object, Result> {
  readonly #workers: PooledWorker<Result>[]

  private constructor(workers: PooledWorker<Result>[]) {
    this.#workers = workers
  }

  /** Start `size` workers made by `create`; rejects (and stops them all) if any fails to start. */
  static async start<Request extends object, Result>(create: () => WorkerPort, size: number): Promise<WorkerPool<Request, Result>> {
    const workers = Array.from({ length: size }, () => new PooledWorker<Result>(create()))
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
  readonly #port: WorkerPort
  readonly #pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>()
  #next = 0
  #started = false
  readonly ready: Promise<void>

  constructor(port: WorkerPort) {
    this.#port = port
    port.keepAlive?.(false)
    let settle: { resolve: () => void; reject: (e: Error) => void }
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }))
    port.onMessage((raw) => {
      const m = raw as Reply<Result>
      if (!this.#started) {
        this.#started = true
        if (m.ready) settle.resolve()
        else settle.reject(new Error(m.error))
        return
      }
      const pending = m.id === undefined ? undefined : this.#pending.get(m.id)
      if (pending === undefined) return
      this.#pending.delete(m.id!)
      if (m.error !== undefined) pending.reject(new Error(m.error))
      else pending.resolve(m.result as Result)
      if (this.#pending.size === 0) port.keepAlive?.(false)
    })
    port.onError((err) => {
      if (!this.#started) settle.reject(err)
      for (const { reject } of this.#pending.values()) reject(err)
      this.#pending.clear()
    })
  }

  get inFlight(): number {
    return this.#pending.size
  }

  request(message: object, transfer: ArrayBuffer[]): Promise<Result> {
    const id = this.#next++
    return new Promise<Result>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#port.keepAlive?.(true)
      this.#port.post({ id, ...message }, transfer)
    })
  }

  async terminate(): Promise<void> {
    await this.#port.terminate()
  }
}
