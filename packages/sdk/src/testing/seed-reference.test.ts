import { describe, expect, it, afterEach, vi } from 'vitest'
import { describeSeedContract, bits } from './seed-contract.js'
import { ln, referenceLatents, Xoshiro128 } from './seed-reference.js'

describeSeedContract('testing/seed-reference.ts, the reference', referenceLatents)

describe('the reference', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('ln agrees with Math.log to 1e-15 relative over (0, 1], from subnormals to 1', () => {
    const random = new Xoshiro128(2024)
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

  it('never calls engine-approximated Math functions', () => {
    const before = bits(referenceLatents(['no Math.log'], 64, 'normal'))
    for (const fn of ['log', 'exp', 'pow', 'sin', 'cos', 'random', 'log1p', 'atanh'] as const) {
      vi.spyOn(Math, fn).mockImplementation(() => {
        throw new Error(`Math.${fn} must not be used`)
      })
    }
    expect(bits(referenceLatents(['no Math.log'], 64, 'normal'))).toEqual(before)
    expect(referenceLatents(['no Math.log'], 64, 'uniform')).toHaveLength(64)
  })
})
