import type { DevicePlatform, RunDevice } from './devices.js'
import type { InferenceSessionLike } from './session.js'

type CreateSession = DevicePlatform['createSession']

const nothing = () => undefined

/**
 * A queue for work that must not overlap: each task starts once the one before it has settled,
 * whether it resolved or threw. The queue keeps no task's result.
 */
export class Turns {
  #last: Promise<void> = Promise.resolve()

  take<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#last.then(() => task())
    this.#last = result.then(nothing, nothing)
    return result
  }
}

/**
 * `create` with every session on `device` taking turns on `turns`: its creation, each run and its
 * release, and at most one worker thread for it (a second could only wait for its turn). Sessions
 * on other devices are created as they are.
 */
export function takingTurnsOn(device: RunDevice, turns: Turns, create: CreateSession): CreateSession {
  return (bytes, model, on, settings) => {
    if (on !== device) return create(bytes, model, on, settings)
    const oneWorker = { ...settings, workers: Math.min(settings.workers, 1) }
    return turns.take(async () => takingTurns(await create(bytes, model, on, oneWorker), turns))
  }
}

function takingTurns(session: InferenceSessionLike, turns: Turns): InferenceSessionLike {
  return {
    run: (latents, batch, labels) => turns.take(() => session.run(latents, batch, labels)),
    release: () => turns.take(() => session.release()),
  }
}
