import { describe, expect, it } from 'vitest'
import type { InferenceSessionLike } from './session.js'
import { takingTurns, Turns } from './take-turns.js'

/** A session whose runs take `ms`, recording how many run at once. */
function slowSession(ms: number, seen: { now: number; most: number }, fail = false): InferenceSessionLike {
  return {
    async run(latents) {
      seen.now++
      seen.most = Math.max(seen.most, seen.now)
      await new Promise((resolve) => setTimeout(resolve, ms))
      seen.now--
      if (fail) throw new Error('run failed')
      return latents.slice()
    },
    release: async () => {},
  }
}

describe('takingTurns', () => {
  it('never lets two sessions sharing turns run at once, and keeps each run its own result', async () => {
    const turns = new Turns()
    const seen = { now: 0, most: 0 }
    const a = takingTurns(slowSession(5, seen), turns)
    const b = takingTurns(slowSession(5, seen), turns)
    const runs = Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).run(new Float32Array([i]), 1))
    expect((await Promise.all(runs)).map((out) => out[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(seen.most).toBe(1)
  })

  it('queues a release behind the runs before it', async () => {
    const turns = new Turns()
    const events: string[] = []
    const session = takingTurns(
      {
        run: async (latents) => (await new Promise((resolve) => setTimeout(resolve, 5)), events.push('run'), latents),
        release: async () => void events.push('release'),
      },
      turns,
    )
    await Promise.all([session.run(new Float32Array(1), 1), session.release()])
    expect(events).toEqual(['run', 'release'])
  })

  it('goes on after a failed run, which still rejects', async () => {
    const turns = new Turns()
    const seen = { now: 0, most: 0 }
    const failing = takingTurns(slowSession(1, seen, true), turns)
    const good = takingTurns(slowSession(1, seen), turns)
    const [failed, next] = await Promise.allSettled([failing.run(new Float32Array(1), 1), good.run(new Float32Array([7]), 1)])
    expect(failed).toMatchObject({ status: 'rejected', reason: new Error('run failed') })
    expect(next).toEqual({ status: 'fulfilled', value: new Float32Array([7]) })
  })

  it('leaves sessions on other turns free to overlap', async () => {
    const seen = { now: 0, most: 0 }
    const a = takingTurns(slowSession(5, seen), new Turns())
    const b = takingTurns(slowSession(5, seen), new Turns())
    await Promise.all([a.run(new Float32Array(1), 1), b.run(new Float32Array(1), 1)])
    expect(seen.most).toBe(2)
  })
})
