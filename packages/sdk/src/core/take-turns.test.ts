import { describe, expect, it } from 'vitest'
import type { RunDevice } from './device-names.js'
import type { ModelInfo } from './model-info.js'
import type { InferenceSessionLike } from './session.js'
import { takingTurnsOn, Turns } from './take-turns.js'

const MODEL = {} as ModelInfo
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A fake platform: sessions whose creation, runs and release take `ms`, recording what overlapped and the workers asked for. */
function platform(ms = 3) {
  const seen = { now: 0, most: 0, workers: [] as number[], events: [] as string[] }
  const busy = async <T>(what: string, work: () => T): Promise<T> => {
    seen.now++
    seen.most = Math.max(seen.most, seen.now)
    await pause(ms)
    seen.now--
    seen.events.push(what)
    return work()
  }
  const create = (_bytes: Uint8Array, _model: ModelInfo, device: RunDevice, settings: { workers: number }) => {
    seen.workers.push(settings.workers)
    if (device === 'cuda')
      return busy('create', (): InferenceSessionLike => {
        throw new Error('no driver')
      })
    return busy('create', (): InferenceSessionLike => ({
      run: (latents) =>
        busy('run', () => {
          if (latents[0] === -1) throw new Error('run failed')
          return latents.slice()
        }),
      release: () => busy('release', () => undefined),
    }))
  }
  return { seen, create }
}
const open = (create: ReturnType<typeof takingTurnsOn>, device: RunDevice, workers = 2) =>
  create(new Uint8Array(), MODEL, device, { workers, threads: undefined, sessionOptions: {} })

describe('takingTurnsOn', () => {
  it('never overlaps the creation, runs and release of sessions on that device, and keeps each run its own result', async () => {
    const { seen, create } = platform()
    const onTurns = takingTurnsOn('webgpu', new Turns(), create)
    const [a, b] = await Promise.all([open(onTurns, 'webgpu'), open(onTurns, 'webgpu')])
    const runs = Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).run(new Float32Array([i]), 1))
    expect((await Promise.all(runs)).map((out) => out[0])).toEqual([0, 1, 2, 3, 4, 5])
    await Promise.all([a.release(), b.release()])
    expect(seen.most).toBe(1)
    expect(seen.events).toEqual(['create', 'create', ...Array(6).fill('run'), 'release', 'release'])
  })

  it('gives sessions on that device one worker at most, and leaves other devices alone', async () => {
    const { seen, create } = platform()
    const onTurns = takingTurnsOn('webgpu', new Turns(), create)
    await Promise.all([open(onTurns, 'webgpu', 4), open(onTurns, 'webgpu', 0), open(onTurns, 'cpu', 4), open(onTurns, 'cpu', 4)])
    expect(seen.workers).toEqual([4, 4, 1, 0]) // the cpu ones start at once; the webgpu ones take turns
    expect(seen.most).toBe(3) // two cpu creations beside one webgpu creation
  })

  it('queues a release behind the runs before it', async () => {
    const { seen, create } = platform()
    const session = await open(takingTurnsOn('webgpu', new Turns(), create), 'webgpu')
    await Promise.all([session.run(new Float32Array(1), 1), session.release()])
    expect(seen.events).toEqual(['create', 'run', 'release'])
  })

  it('goes on after a failed creation or run, which still rejects', async () => {
    const { create } = platform()
    const turns = new Turns()
    const onTurns = takingTurnsOn('webgpu', turns, create)
    const onCuda = takingTurnsOn('cuda', turns, create)
    await expect(open(onCuda, 'cuda')).rejects.toThrow('no driver')
    const session = await open(onTurns, 'webgpu')
    const [failed, next] = await Promise.allSettled([session.run(new Float32Array([-1]), 1), session.run(new Float32Array([7]), 1)])
    expect(failed).toMatchObject({ status: 'rejected', reason: new Error('run failed') })
    expect(next).toEqual({ status: 'fulfilled', value: new Float32Array([7]) })
  })
})

describe('Turns', () => {
  it('runs tasks one after another in the order given', async () => {
    const turns = new Turns()
    const order: number[] = []
    await Promise.all([3, 1, 2].map((ms, i) => turns.take(async () => (await pause(ms), order.push(i)))))
    expect(order).toEqual([0, 1, 2])
  })
})
