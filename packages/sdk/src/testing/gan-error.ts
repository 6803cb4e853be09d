import { expect } from 'vitest'
import { GanError } from '../core/errors.js'

/** The GanError `fn` throws; fails the test if it throws something else or nothing. */
export function errorOf(fn: () => unknown): GanError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(GanError)
    return err as GanError
  }
  throw new Error('expected a GanError, nothing was thrown')
}

/** The GanError `p` rejects with; fails the test if it rejects with something else or resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<GanError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(GanError)
    return err as GanError
  }
  throw new Error('expected a GanError, nothing was thrown')
}
