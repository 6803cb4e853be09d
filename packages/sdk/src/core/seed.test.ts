import { describe, expect, it } from 'vitest'
import { GanError } from './errors.js'
import { hashString, ln, seedToInteger, seedToLatent, SeedRandom } from './seed.js'

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length))

describe('seed contract', () => {
  // These vectors ARE the contract: any change here is a breaking change (docs/seeds.md).
  it('golden latents are bit-identical', () => {
    expect(bits(seedToLatent(0, 4))).toEqual(GOLDEN[0])
    expect(bits(seedToLatent(1, 4))).toEqual(GOLDEN[1])
    expect(bits(seedToLatent(42, 4))).toEqual(GOLDEN[42])
    expect(bits(seedToLatent(2 ** 32, 4))).toEqual(GOLDEN['2^32'])
    expect(bits(seedToLatent(Number.MAX_SAFE_INTEGER, 4))).toEqual(GOLDEN['2^53-1'])
    expect(bits(seedToLatent('hello', 4))).toEqual(GOLDEN['hello'])
    expect(bits(seedToLatent('ünïcødé 🎲', 4))).toEqual(GOLDEN['unicode'])
    expect(bits(seedToLatent(42, 4, 'uniform'))).toEqual(GOLDEN['42-uniform'])
  })

  it('golden PRNG words and string hashes', () => {
    const r = new SeedRandom(42)
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual(GOLDEN_WORDS)
    expect(hashString('hello')).toBe(GOLDEN_HASH_HELLO)
  })

  it('distinct seeds give distinct latents; the same seed the same one', () => {
    expect(bits(seedToLatent(7, 16))).toEqual(bits(seedToLatent(7, 16)))
    expect(bits(seedToLatent(7, 16))).not.toEqual(bits(seedToLatent(8, 16)))
    expect(bits(seedToLatent(2 ** 32, 16))).not.toEqual(bits(seedToLatent(0, 16)))
    expect(bits(seedToLatent(-0, 4))).toEqual(bits(seedToLatent(0, 4)))
  })

  it('ln matches Math.log closely without using it', () => {
    for (const x of [1e-300, 1e-10, 0.001, 0.1, 0.5, 0.7071, 0.9, 0.999999, 1]) {
      expect(Math.abs(ln(x) - Math.log(x))).toBeLessThanOrEqual(Math.abs(Math.log(x)) * 4e-16 + 1e-300)
    }
  })

  it('normal latents have mean ≈ 0 and variance ≈ 1; uniform ones stay in [-1, 1)', () => {
    const z = seedToLatent(123, 200_000)
    const mean = z.reduce((a, b) => a + b, 0) / z.length
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length
    expect(Math.abs(mean)).toBeLessThan(0.01)
    expect(Math.abs(variance - 1)).toBeLessThan(0.01)
    const u = seedToLatent(123, 10_000, 'uniform')
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1)
    expect(Math.max(...u)).toBeLessThan(1)
  })

  it.each([
    [Number.NaN, /seed NaN is NaN/],
    [Number.POSITIVE_INFINITY, /seed Infinity is not finite/],
    [Number.NEGATIVE_INFINITY, /seed -Infinity is not finite/],
    [-1, /seed -1 is negative/],
    [1.5, /seed 1.5 is not an integer/],
    [2 ** 53, /seed 9007199254740992 is above 2\^53 − 1/],
    [10n, /seed 10n is not a number or string/],
    [{}, /seed object is not a number or string/],
    [undefined, /seed undefined is not a number or string/],
    [null, /seed object is not a number or string/],
    ['', /seed "" is empty/],
  ])('rejects %s with ERR_INVALID_SEED', (bad, message) => {
    let err: unknown
    try {
      seedToInteger(bad as never)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(GanError)
    expect((err as GanError).code).toBe('ERR_INVALID_SEED')
    expect((err as GanError).message).toMatch(/^\[gan-sdk\] /)
    expect((err as GanError).message).toMatch(message)
  })
})

// float32 bit patterns of the first four latent values (e.g. seed 42 → 0.18084541, 0.49332702, 1.6842681, 0.31200123).
const GOLDEN: Record<string, number[]> = {
  0: [1054537605, 1049936080, 3213179574, 1015802529],
  1: [1074521899, 3217342835, 3189639070, 3213594768],
  42: [1043935114, 1056740700, 1071093273, 1050656416],
  '2^32': [3198008825, 3212942838, 1060885436, 1038578572],
  '2^53-1': [1063814127, 3210233004, 3207023922, 1058402035],
  hello: [3218499293, 3184142664, 3139578878, 3211312912],
  unicode: [3213970103, 1053329992, 3201277827, 3207186505],
  '42-uniform': [1050966131, 1063277625, 3198018415, 1064543844],
}
const GOLDEN_WORDS = [2837322924, 1845794875, 4029291681]
const GOLDEN_HASH_HELLO = 4625896200565286
