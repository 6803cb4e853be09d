import type * as OrtCommon from 'onnxruntime-common'
import type { Ort, OrtSession } from '../core/ort-session.js'
import { WorkerPool } from './worker-pool.js'

type WireTensor = { type: OrtCommon.Tensor.Type; data: OrtCommon.Tensor.DataType; dims: readonly number[] }
type SessionRequest = { feeds?: Record<string, WireTensor>; fetches?: string[]; release?: true }

/**
 * An `ort` namespace whose sessions run in `workers` worker threads, each holding its own
 * onnxruntime-node session of the model (session-worker.js): `run()` sends the feeds to the least
 * busy worker and resolves with its outputs, so inference never blocks the calling thread's event
 * loop. The core's session code (core/ort-session.ts) drives it exactly as it drives onnxruntime-node.
 */
export function createWorkerOrt(ort: Pick<Ort, 'Tensor'>, workers: number): Ort {
  return {
    Tensor: ort.Tensor,
    InferenceSession: {
      async create(model, options) {
        const pool = await WorkerPool.start<SessionRequest, Record<string, WireTensor>>(
          new URL('./session-worker.js', import.meta.url),
          workers,
          {
            model,
            options,
          },
        )
        return new PoolSession(pool, ort.Tensor)
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
