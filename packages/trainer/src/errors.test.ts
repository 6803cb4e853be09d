import { describe, expect, it } from 'vitest'
import { isTrainError, TrainError } from './errors.js'

describe('TrainError', () => {
  it('carries a stable code, its name and the [gan-train] prefix, and keeps the cause', () => {
    const cause = new Error('disk full')
    const err = new TrainError('ERR_WRITE', 'cannot write "x"', { cause })
    expect(err).toBeInstanceOf(Error)
    expect([err.name, err.code, err.message, err.cause]).toEqual(['TrainError', 'ERR_WRITE', '[gan-train] cannot write "x"', cause])
  })

  it('isTrainError matches the class, and the code when one is given', () => {
    const err = new TrainError('ERR_DATASET', 'x')
    expect(isTrainError(err)).toBe(true)
    expect(isTrainError(err, 'ERR_DATASET')).toBe(true)
    expect(isTrainError(err, 'ERR_WRITE')).toBe(false)
    expect(isTrainError(Object.assign(new Error('[gan-train] x'), { code: 'ERR_DATASET' }))).toBe(false)
  })
})
