import type { InferenceSessionLike } from './session.js'

/**
 * A queue for runs that must not overlap: each run starts once the one before it has settled,
 * whether it resolved or threw.
 */
export class Turns {
  #last: Promise<unknown> = Promise.resolve()

  take<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#last.then(task)
    this.#last = result.catch(() => undefined)
    return result
  }
}

/** `session` with its runs and release queued on `turns`, shared with every other session that must not overlap it. */
export function takingTurns(session: InferenceSessionLike, turns: Turns): InferenceSessionLike {
  return {
    run: (latents, batch, labels) => turns.take(() => session.run(latents, batch, labels)),
    release: () => turns.take(() => session.release()),
  }
}
