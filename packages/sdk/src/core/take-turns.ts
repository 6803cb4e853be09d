import type { RunDevice } from './device-names.js'
import type { ModelInfo } from './model-info.js'
import type { InferenceSessionLike } from './session.js'

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

/** A session factory's signature, as a platform's {@link DevicePlatform.createSession} has it. */
type CreateSession<Settings extends { workers: number }> = (
  bytes: Uint8Array,
  model: ModelInfo,
  device: RunDevice,
  settings: Settings,
) => Promise<InferenceSessionLike>

/**
 * `create` with every session on `device` taking turns on `turns`: its creation, each run and its
 * release, and at most one worker thread for it (a second could only wait for its turn). Sessions
 * on other devices are created as they are.
 */
export function takingTurnsOn<Settings extends { workers: number }>(
  device: RunDevice,
  turns: Turns,
  create: CreateSession<Settings>,
): CreateSession<Settings> {
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
