import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LatentDistribution } from './contract.js'
import { hashString, ln, resolveLatentOptions, seedsToLatents, seedToInteger, seedToLatent, SeedRandom, type Seed } from './seed.js'
import { errorOf } from '../testing/gan-error.js'

const bits = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values).buffer))


// THE CONTRACT (docs/seeds.md): the first latent values per seed, as exact float32 values. Changing
// any of them changes every image generated from that seed and needs a new major version.
const GOLDEN: Array<[Seed, LatentDistribution, number[]]> = [
  [0, 'normal', [0.12177618592977524, 0.4934249222278595, -0.5381877422332764, 1.6753298044204712]],
  [1, 'normal', [0.16813211143016815, 0.9542843103408813, -0.430600106716156, -2.152186632156372]],
  [42, 'normal', [0.3187578618526459, -0.7706159949302673, 0.15178267657756805, -0.12624146044254303]],
  [2 ** 32, 'normal', [0.18117810785770416, 1.2796868085861206, 1.0970542430877686, -0.04492025449872017]],
  [Number.MAX_SAFE_INTEGER, 'normal', [-0.9335838556289673, -0.6154717206954956, 0.685466468334198, 1.3905857801437378]],
  ['hello', 'normal', [-1.5256891250610352, 0.5223996043205261, -1.3421521186828613, 2.8619489669799805]],
  ['ünïcødé', 'normal', [1.0478236675262451, 1.7588207721710205, -0.7613670825958252, 0.21036571264266968]],
  ['ünïcødé 🎲', 'normal', [-0.9534317255020142, 0.507985532283783, -0.8975147604942322, 1.74477219581604]],
  [42, 'uniform', [0.3212314546108246, -0.7765960693359375, -0.8417887091636658, -0.9695815443992615]],
  ['hello', 'uniform', [-0.49381834268569946, 0.1690845787525177, 0.11837272346019745, -0.9989717602729797]],
]

describe('seed contract', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it.each(GOLDEN)('seed %s (%s) gives the golden latent, bit for bit', (seed, distribution, expected) => {
    expect(bits(seedToLatent(seed, 4, { distribution }))).toEqual(bits(expected))
  })

  it.each([
    [100, 'normal', 4096776574],
    [101, 'normal', 2731593523],
    [7, 'uniform', 3504142004],
  ] as const)('seeds 0…999 × %i %s values hash to the golden FNV-1a %i (whole latents, odd sizes, every rejection path)', (size, distribution, golden) => {
    const words = new Uint32Array(seedsToLatents(Array.from({ length: 1000 }, (_, i) => i), size, { distribution }).buffer)
    let hash = 0x811c9dc5
    for (const word of words) hash = Math.imul(hash ^ word, 0x01000193) >>> 0
    expect(hash).toBe(golden)
  })

  it('golden intermediate values, for reimplementations to check step by step', () => {
    const r0 = new SeedRandom(0)
    expect([r0.nextUint32(), r0.nextUint32(), r0.nextUint32(), r0.nextUint32()]).toEqual([3809008728, 1133695204, 53579671, 2891528803])
    const r42 = new SeedRandom(42)
    expect([r42.nextUint32(), r42.nextUint32(), r42.nextUint32()]).toEqual([2837322924, 544945897, 479756282])
    expect(new SeedRandom(42).nextFloat()).toBe(0.6606157208001621)
    expect(hashString('hello')).toBe(4625896200565286)
    expect(hashString('ünïcødé')).toBe(7968987001579399)
  })

  it('never calls engine-approximated Math functions', () => {
    const before = bits(seedToLatent('no Math.log', 64))
    for (const fn of ['log', 'exp', 'pow', 'sin', 'cos', 'random', 'log1p', 'atanh'] as const) {
      vi.spyOn(Math, fn).mockImplementation(() => {
        throw new Error(`Math.${fn} must not be used`)
      })
    }
    expect(bits(seedToLatent('no Math.log', 64))).toEqual(before)
    expect(bits(seedToLatent('no Math.log', 64, { distribution: 'uniform' }))).toHaveLength(64)
  })

  it('draws values in order: a shorter latent is a prefix of a longer one, odd sizes included', () => {
    const five = bits(seedToLatent(42, 5))
    expect(bits(seedToLatent(42, 3))).toEqual(five.slice(0, 3))
    expect(bits(seedToLatent(42, 4))).toEqual(five.slice(0, 4))
  })

  it('seedsToLatents concatenates the per-seed latents, row by row', () => {
    const rows = seedsToLatents([42, 'hello', 0], 5, { distribution: 'uniform' })
    expect(bits(rows)).toEqual([42, 'hello', 0].flatMap((seed) => bits(seedToLatent(seed, 5, { distribution: 'uniform' }))))
    expect(seedsToLatents([], 5)).toHaveLength(0)
  })

  it('distinct seeds give distinct latents; -0 is 0; strings are hashed as given, without Unicode normalisation', () => {
    expect(bits(seedToLatent(7, 16))).not.toEqual(bits(seedToLatent(8, 16)))
    expect(bits(seedToLatent(2 ** 32, 16))).not.toEqual(bits(seedToLatent(0, 16)))
    expect(bits(seedToLatent(2 ** 32 + 1, 16))).not.toEqual(bits(seedToLatent(1, 16)))
    expect(bits(seedToLatent(-0, 4))).toEqual(bits(seedToLatent(0, 4)))
    expect(seedToInteger('ünïcødé'.normalize('NFD'))).not.toBe(seedToInteger('ünïcødé'))
  })

  it('no seed starts from a degenerate state: the first two words differ, also when both halves of the seed are equal', () => {
    for (const seed of [0, 1, 2 ** 32 + 1, 5 * (2 ** 32 + 1), 'a']) {
      const r = new SeedRandom(seed)
      expect(r.nextUint32()).not.toBe(r.nextUint32())
    }
  })

  it('ln agrees with Math.log to 1e-15 relative over (0, 1], from subnormals to 1', () => {
    const random = new SeedRandom(2024)
    let worst = 0
    for (let i = 0; i < 100_000; i++) {
      // Mantissa uniform in [0.5, 1), exponent down to −1070: covers every range-reduction path.
      const x = (0.5 + random.nextFloat() / 2) * 2 ** -(i % 1071)
      worst = Math.max(worst, Math.abs(ln(x) - Math.log(x)) / Math.abs(Math.log(x) || 1))
    }
    expect(worst).toBeLessThan(1e-15)
    expect(ln(1)).toBe(0)
    expect(ln(0)).toBe(Number.NEGATIVE_INFINITY)
    expect(ln(-1)).toBeNaN()
    expect(ln(Number.MIN_VALUE)).toBeCloseTo(Math.log(Number.MIN_VALUE), 12)
  })

  it('normal latents: mean ≈ 0, variance ≈ 1, 68.3% within one sd over 100k samples from 1000 seeds', () => {
    const z = new Float32Array(100_000)
    for (let s = 0; s < 1000; s++) z.set(seedToLatent(s, 100), s * 100)
    const mean = z.reduce((a, b) => a + b, 0) / z.length
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length
    const withinOne = z.filter((v) => Math.abs(v) < 1).length / z.length
    expect(Math.abs(mean)).toBeLessThan(0.01)
    expect(Math.abs(variance - 1)).toBeLessThan(0.02)
    expect(Math.abs(withinOne - 0.6827)).toBeLessThan(0.005)
  })

  it('uniform latents: in [-1, 1), mean ≈ 0, variance ≈ 1/3', () => {
    const u = new Float32Array(100_000)
    for (let s = 0; s < 1000; s++) u.set(seedToLatent(s, 100, { distribution: 'uniform' }), s * 100)
    const mean = u.reduce((a, b) => a + b, 0) / u.length
    const variance = u.reduce((a, b) => a + (b - mean) ** 2, 0) / u.length
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1)
    expect(Math.max(...u)).toBeLessThan(1)
    expect(Math.abs(mean)).toBeLessThan(0.01)
    expect(Math.abs(variance - 1 / 3)).toBeLessThan(0.01)
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
    expect(errorOf(() => seedToLatent(bad as never, 4)).code).toBe('ERR_INVALID_SEED')
    expect(errorOf(() => seedsToLatents([1, bad as never], 4)).code).toBe('ERR_INVALID_SEED')
  })

  it('rejects bad latent sizes and seed lists', () => {
    expect(errorOf(() => seedToLatent(1, 0)).message).toBe("[gan-sdk] latent size 0 is invalid: pass a positive integer (the model's info.latentSize).")
    expect(errorOf(() => seedToLatent(1, 2.5)).code).toBe('ERR_INVALID_OPTION')
    expect(errorOf(() => seedsToLatents([1], -1)).code).toBe('ERR_INVALID_OPTION')
    expect(errorOf(() => seedsToLatents(7 as never, 4)).message).toMatch(/seeds 7 are not an array/)
  })
})

describe('resolveLatentOptions', () => {
  it('fills in the default distribution and never mutates the caller’s options', () => {
    expect(resolveLatentOptions()).toEqual({ distribution: 'normal' })
    const options = Object.freeze({ distribution: 'uniform' as const })
    expect(resolveLatentOptions(options)).toEqual({ distribution: 'uniform' })
    expect(resolveLatentOptions(options)).not.toBe(options)
    expect(options).toEqual({ distribution: 'uniform' })
  })

  it.each([
    ['uniform', 'latent options "uniform" are not an object: pass e.g. { distribution: \'uniform\' }.'],
    [{ distribution: 'gaussian' }, 'latent distribution "gaussian" is unknown: pass one of normal, uniform.'],
    [{ distribution: 'toString' }, 'latent distribution "toString" is unknown'],
    [{ truncation: 0.7 }, 'latent option "truncation" is unknown: the only option is distribution.'],
  ])('rejects %j with ERR_INVALID_OPTION', (input, message) => {
    const err = errorOf(() => resolveLatentOptions(input))
    expect(err.code).toBe('ERR_INVALID_OPTION')
    expect(err.message).toContain(`[gan-sdk] ${message}`)
  })
})
