import { describe, expect, it } from 'vitest'
import { checkSeedList, hashString, seedState, seedToInteger } from './seed-state.js'
import { errorOf } from '../testing/gan-error.js'
import { Xoshiro128 } from '../testing/seed-reference.js'

describe('seed-state', () => {
  it('golden intermediate values, for reimplementations to check step by step', () => {
    const r0 = new Xoshiro128(0)
    expect([r0.nextUint32(), r0.nextUint32(), r0.nextUint32(), r0.nextUint32()]).toEqual([3809008728, 1133695204, 53579671, 2891528803])
    const r42 = new Xoshiro128(42)
    expect([r42.nextUint32(), r42.nextUint32(), r42.nextUint32()]).toEqual([2837322924, 544945897, 479756282])
    expect(new Xoshiro128(42).nextFloat()).toBe(0.6606157208001621)
    expect(hashString('hello')).toBe(4625896200565286)
    expect(hashString('ünïcødé')).toBe(7968987001579399)
  })

  it('no seed starts from a degenerate state: its four state words differ, also when both halves of the seed are equal', () => {
    for (const seed of [0, 1, 2 ** 32 + 1, 5 * (2 ** 32 + 1), 'a']) {
      expect(new Set(seedState(seed)).size).toBe(4)
    }
  })

  it('-0 is 0; strings are hashed as given, without Unicode normalisation', () => {
    expect(seedToInteger(-0)).toBe(0)
    expect(Object.is(seedToInteger(-0), 0)).toBe(true)
    expect(seedToInteger('ünïcødé'.normalize('NFD'))).not.toBe(seedToInteger('ünïcødé'))
    expect(seedToInteger(2 ** 53 - 1)).toBe(2 ** 53 - 1)
  })

  it.each([
    [Number.NaN, 'seed NaN is NaN'],
    [Number.POSITIVE_INFINITY, 'seed Infinity is not finite'],
    [Number.NEGATIVE_INFINITY, 'seed -Infinity is not finite'],
    [-1, 'seed -1 is negative'],
    [1.5, 'seed 1.5 is not an integer'],
    [2 ** 53, 'seed 9007199254740992 is above 2^53 − 1'],
    [10n, 'seed 10n is not a number or string (it is bigint)'],
    [{ seed: 1 }, 'seed {"seed":1} is not a number or string (it is object)'],
    [undefined, 'seed undefined is not a number or string (it is undefined)'],
    [null, 'seed null is not a number or string (it is null)'],
    [true, 'seed true is not a number or string (it is boolean)'],
    ['', 'seed "" is empty'],
  ])('rejects %s with ERR_INVALID_SEED, quoting it and saying what is valid', (bad, message) => {
    const err = errorOf(() => seedToInteger(bad as never))
    expect(err.code).toBe('ERR_INVALID_SEED')
    expect(err.message).toBe(`[gan-sdk] ${message}: pass an integer in [0, 2^53 − 1] (Number.MAX_SAFE_INTEGER) or a non-empty string.`)
    expect(errorOf(() => seedState(bad as never)).code).toBe('ERR_INVALID_SEED')
  })

  it('checkSeedList accepts arrays only', () => {
    expect(() => checkSeedList([])).not.toThrow()
    expect(errorOf(() => checkSeedList(7)).message).toBe('[gan-sdk] seeds 7 are not an array: pass an array of seeds, e.g. [1, 2, 3].')
  })
})
