import { describe, expect, it } from 'vitest'
import { sampleLatents } from './latents.js'
import type { Seed } from '../seed-state.js'
import { errorOf } from '../../testing/gan-error.js'
import { referenceLatents } from '../../testing/seed-reference.js'

describe('sampleLatents (latents.wat)', () => {
  // Sizes around the kernels' lanes (pairs two at a time, seeds four at a time), batches that
  // fill no group or several blocks, every kind of seed.
  it.each([1, 2, 3, 4, 5, 7, 8, 31, 100, 101, 128, 255, 512])(
    'equals the reference bit for bit: size %i, batches of 1 to 9 seeds, both distributions',
    (size) => {
      const pool: Seed[] = [0, 1, 2, 41, 42, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 'hello', 'ünïcødé 🎲', 123456789, 999]
      for (let count = 1; count <= 9; count++) {
        const seeds = pool.slice(count % 4, (count % 4) + count)
        for (const distribution of ['normal', 'uniform'] as const) {
          const expected = new Uint32Array(referenceLatents(seeds, size, distribution).buffer)
          expect(new Uint32Array(sampleLatents(seeds, size, distribution).buffer)).toEqual(expected)
        }
      }
    },
  )

  it('equals the reference on batches larger than one block (2^17 values), then on small ones again', () => {
    const seeds = Array.from({ length: 1501 }, (_, i) => i * 7919)
    for (const distribution of ['normal', 'uniform'] as const) {
      const expected = Buffer.from(referenceLatents(seeds, 100, distribution).buffer)
      expect(Buffer.from(sampleLatents(seeds, 100, distribution).buffer).equals(expected)).toBe(true)
    }
    expect(Array.from(sampleLatents([3], 2, 'normal'))).toEqual(Array.from(referenceLatents([3], 2, 'normal')))
  })

  it('rejects bad seeds with ERR_INVALID_SEED, in any lane of any group', () => {
    expect(errorOf(() => sampleLatents([1, -3], 4, 'normal')).message).toMatch(/seed -3 is negative/)
    expect(errorOf(() => sampleLatents([1, 2, 3, 4, 5, Number.NaN], 4, 'uniform')).code).toBe('ERR_INVALID_SEED')
  })
})
