import type * as OrtCommon from 'onnxruntime-common'
import type { Ort, OrtSession } from './ort-session.js'
import type { WorkerPool } from './worker-pool.js'

/** A tensor as it crosses to a worker: its parts, which structured clone copies. */
export type WireTensor = { type: OrtCommon.Tensor.Type; data: OrtCommon.Tensor.DataType; dims: readonly number[] }
/** A session worker's requests: a run, or the release of its session. */
export type SessionRequest = { feeds?: Record<string, WireTensor>; fetches?: string[]; release?: true }
/** Starts the workers that each hold a session of `model` created with `options`. */
export type SessionPoolStarter = (
  model: Uint8Array,
  options: OrtCommon.InferenceSession.SessionOptions,
) => Promise<WorkerPool<SessionRequest, Record<string, WireTensor>>>

/**
 * An `ort` namespace whose sessions live in worker threads (Node: session-worker.js on
 * worker_threads; browsers: a Web Worker): `run()` sends the feeds to the least busy worker and
 * resolves with its outputs, so inference never blocks the calling thread. The core's session code
 * (ort-session.ts) drives it exactly as it drives onnxruntime itself.
 */
export function createWorkerOrt(Tensor: typeof OrtCommon.Tensor, start: SessionPoolStarter): Ort {
  return {
    Tensor,
    InferenceSession: {
      async create(model, options) {
        return new PoolSession(await start(model, options), Tensor)
      },
    },
  }
}

class PoolSession implements OrtSession {
  constructor(
    readonly pool: WorkerPool<SessionRequest, Record<string, WireTensor>>,
    readonly Tensor: typeof OrtCommon.Tensor,
  ) {}

  async run(feeds: Record<string, OrtCommon.Tensor>, fetches: string[]): Promise<Record<string, OrtCommon.OnnxValue>> {
    const wire = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { type: t.type, data: t.data, dims: t.dims }]))
    const result = await this.pool.request({ feeds: wire, fetches })
    return Object.fromEntries(
      Object.entries(result).map(([name, t]) => [name, new this.Tensor(t.type as 'float32', t.data as Float32Array, t.dims)]),
    )
  }

  async release(): Promise<void> {
    try {
      await this.pool.broadcast({ release: true })
    } finally {
      await this.pool.terminate()
    }
  }
}
