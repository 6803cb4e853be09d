import { describe, expect, it } from 'vitest'
import { resolveLatentOptions, seedsToLatents, seedToLatent } from './seed.js'
import { errorOf } from '../testing/gan-error.js'
import { bits, describeSeedContract, GOLDEN_TRUNCATED } from '../testing/seed-contract.js'

describeSeedContract('seedsToLatents', (seeds, size, distribution) => seedsToLatents(seeds, size, { distribution }))

describe('seedToLatent and seedsToLatents', () => {
  it('sample latents up to 2^20 values long, and small ones again after', () => {
    const longest = seedToLatent(3, 2 ** 20)
    expect(bits(longest.subarray(0, 9))).toEqual(bits(seedToLatent(3, 9)))
    expect(Number.isFinite(longest.reduce((a, b) => a + b, 0))).toBe(true)
    expect(bits(seedToLatent(3, 9, { distribution: 'uniform' }))).toEqual(
      bits(seedToLatent(3, 2 ** 20, { distribution: 'uniform' }).subarray(0, 9)),
    )
  })

  it('distinct seeds give distinct latents; seeds that differ only in their high bits too', () => {
    expect(bits(seedToLatent(7, 16))).not.toEqual(bits(seedToLatent(8, 16)))
    expect(bits(seedToLatent(2 ** 32, 16))).not.toEqual(bits(seedToLatent(0, 16)))
    expect(bits(seedToLatent(2 ** 32 + 1, 16))).not.toEqual(bits(seedToLatent(1, 16)))
    expect(bits(seedToLatent(-0, 4))).toEqual(bits(seedToLatent(0, 4)))
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

  it('rejects bad seeds with ERR_INVALID_SEED, wherever they are in the list', () => {
    expect(errorOf(() => seedToLatent(-1, 4)).message).toMatch(/seed -1 is negative/)
    expect(errorOf(() => seedsToLatents([1, 2, 3, 4, 5, 'x', Number.NaN], 4)).message).toMatch(/seed NaN is NaN/)
    expect(errorOf(() => seedsToLatents([1, null as never], 4, { distribution: 'uniform' })).code).toBe('ERR_INVALID_SEED')
  })

  it('rejects bad latent sizes and seed lists', () => {
    expect(errorOf(() => seedToLatent(1, 2 ** 20 + 1)).message).toBe(
      '[gan-sdk] latent size 1048577 is above 1048576 (2^20), the longest latent gan-sdk samples: pass a smaller size (GAN latents are a few hundred values).',
    )
    expect(errorOf(() => seedToLatent(1, 0)).message).toBe(
      "[gan-sdk] latent size 0 is invalid: pass a positive integer (the model's info.latentSize).",
    )
    expect(errorOf(() => seedToLatent(1, 2.5)).code).toBe('ERR_INVALID_OPTION')
    expect(errorOf(() => seedsToLatents([1], -1)).code).toBe('ERR_INVALID_OPTION')
    expect(errorOf(() => seedsToLatents(7 as never, 4)).message).toMatch(/seeds 7 are not an array/)
  })
})

describe('truncation (docs/seeds.md §5)', () => {
  it.each(GOLDEN_TRUNCATED)(
    'seed %s (%s) at ψ = %s gives the golden truncated latent, bit for bit',
    (seed, distribution, truncation, expected) => {
      expect(bits(seedToLatent(seed, 4, { distribution, truncation }))).toEqual(bits(expected))
    },
  )

  it('is each value times ψ rounded to float32, and ψ = 1 changes nothing', () => {
    const z = seedToLatent('x', 64)
    expect(bits(seedToLatent('x', 64, { truncation: 0.3 }))).toEqual(bits(Array.from(z, (v) => Math.fround(v * 0.3))))
    expect(bits(seedToLatent('x', 64, { truncation: 1 }))).toEqual(bits(z))
  })
})

describe('resolveLatentOptions', () => {
  it('fills in the default distribution and never mutates the caller’s options', () => {
    expect(resolveLatentOptions()).toEqual({ distribution: 'normal', truncation: 1 })
    const options = Object.freeze({ distribution: 'uniform' as const })
    expect(resolveLatentOptions(options)).toEqual({ distribution: 'uniform', truncation: 1 })
    expect(resolveLatentOptions(options)).not.toBe(options)
    expect(options).toEqual({ distribution: 'uniform' })
  })

  it.each([
    ['uniform', 'latent options "uniform" are not an object: pass e.g. { distribution: \'uniform\' }.'],
    [{ distribution: 'gaussian' }, 'latent distribution "gaussian" is unknown: pass one of normal, uniform.'],
    [{ distribution: 'toString' }, 'latent distribution "toString" is unknown'],
    [{ psi: 0.7 }, 'latent option "psi" is unknown: the options are distribution and truncation.'],
    [{ truncation: 0 }, 'truncation 0 is invalid: pass ψ in (0, 1], e.g. 0.7 (1 turns truncation off).'],
    [{ truncation: 1.5 }, 'truncation 1.5 is invalid'],
    [{ truncation: Number.NaN }, 'truncation NaN is invalid'],
  ])('rejects %j with ERR_INVALID_OPTION', (input, message) => {
    const err = errorOf(() => resolveLatentOptions(input))
    expect(err.code).toBe('ERR_INVALID_OPTION')
    expect(err.message).toContain(`[gan-sdk] ${message}`)
    expect(`[gan-sdk] ${err.detail}`).toBe(err.message)
  })
})
