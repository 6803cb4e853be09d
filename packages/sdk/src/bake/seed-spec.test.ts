import { describe, expect, it } from 'vitest'
import { errorOf } from '../testing/gan-error.js'
import { parseSeedSpec, parseShard, shardItems } from './seed-spec.js'

describe('parseSeedSpec', () => {
  it('reads ranges, integers and string seeds, separated by , or ;', () => {
    expect(parseSeedSpec('0-3')).toEqual([0, 1, 2, 3])
    expect(parseSeedSpec('1;5;hero')).toEqual([1, 5, 'hero'])
    expect(parseSeedSpec(' 7 , 2-3, sun set ')).toEqual([7, 2, 3, 'sun set'])
    expect(parseSeedSpec('hero-1,a-b,v1.2-rc,2024-01-15,1.2.3-4')).toEqual(['hero-1', 'a-b', 'v1.2-rc', '2024-01-15', '1.2.3-4'])
    expect(parseSeedSpec('0-99')).toHaveLength(100)
  })

  it('takes arrays as they are, strings there being seeds, and drops duplicates', () => {
    expect(parseSeedSpec([1, 5, 'hero', '0-3', 1])).toEqual([1, 5, 'hero', '0-3'])
    expect(parseSeedSpec('1,1,2')).toEqual([1, 2])
  })

  it.each([
    ['5-2', 'seed range "5-2" is invalid'],
    ['', 'seeds "" name no seed'],
    [[], 'seeds [] name no seed'],
    [42, 'seeds 42 are neither a list nor a string'],
    ['0-2000000', 'name more than 1,000,000 images'],
    [[1.5], 'seed 1.5 is not'],
    ['1,1e3', 'seed "1e3" looks like a number'],
    ['0-', 'seed range "0-" is invalid: write from-to with digits only'],
    ['0--5', 'seed range "0--5" is invalid'],
    ['0-1e3', 'seed range "0-1e3" is invalid'],
    ['1e3-5', 'seed range "1e3-5" is invalid'],
    ['-3', 'seed "-3" looks like a number'],
    [[7, 'x', '7'], 'seeds 7 and "7" are different images (an integer seed and a string seed) but would be written to one file name'],
  ])('rejects %j: %s', (spec, message) => {
    const err = errorOf(() => parseSeedSpec(spec))
    expect(err.code).toBe('ERR_INVALID_SEED')
    expect(err.message).toContain(message)
  })
})

describe('shards', () => {
  it('parse "i/n" (1-based) and split items into disjoint parts whose union is all of them', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 })
    const items = Array.from({ length: 10 }, (_, i) => i)
    const parts = [1, 2, 3].map((index) => shardItems(items, { index, count: 3 }))
    expect(parts).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ])
  })

  it.each(['0/4', '5/4', '1/0', 'a/b', '2', null])('rejects %j with ERR_INVALID_OPTION', (value) => {
    expect(errorOf(() => parseShard(value)).message).toMatch(/shard .* is invalid: pass "i\/n" with 1 ≤ i ≤ n/)
  })
})
