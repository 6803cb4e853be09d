import { describe, expect, it } from 'vitest'
import { frechetDistance, psdSqrt, symmetricEigen } from './frechet.js'
import { mulberry32 } from '../random.js'

function gaussianRows(count: number, dim: number, shift: number, seed: number): Float32Array {
  const rand = mulberry32(seed)
  const out = new Float32Array(count * dim)
  // Sum of 12 uniforms − 6: close enough to N(0, 1) for a distance test.
  for (let i = 0; i < out.length; i++) {
    let s = -6
    for (let k = 0; k < 12; k++) s += rand()
    out[i] = s + shift
  }
  return out
}

describe('frechetDistance', () => {
  it('eigendecomposition reconstructs the matrix', () => {
    const m = Float64Array.from([4, 1, 2, 1, 3, 0.5, 2, 0.5, 5])
    const { values, vectors } = symmetricEigen(m, 3)
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0
        for (let k = 0; k < 3; k++) s += vectors[i * 3 + k]! * values[k]! * vectors[j * 3 + k]!
        expect(s).toBeCloseTo(m[i * 3 + j]!, 10)
      }
    }
  })

  it('square root squares back', () => {
    const m = Float64Array.from([4, 1, 1, 3])
    const r = psdSqrt(m, 2)
    expect(r[0]! * r[0]! + r[1]! * r[2]!).toBeCloseTo(4, 10)
    expect(r[0]! * r[1]! + r[1]! * r[3]!).toBeCloseTo(1, 10)
  })

  it('is ~0 for two samples of one distribution and grows with a mean shift', () => {
    const dim = 8
    const a = gaussianRows(4000, dim, 0, 1)
    const b = gaussianRows(4000, dim, 0, 2)
    const c = gaussianRows(4000, dim, 1, 3)
    const same = frechetDistance(a, 4000, b, 4000, dim)
    const shifted = frechetDistance(a, 4000, c, 4000, dim)
    expect(same).toBeLessThan(0.05)
    // A shift of 1 in each of 8 dims adds |Δμ|² = 8.
    expect(shifted).toBeGreaterThan(7.5)
    expect(shifted).toBeLessThan(8.5)
  })

  it('matches the closed form for diagonal covariances', () => {
    // N(0, 1) vs N(0, 4) in 1-D: d² = 1 + 4 − 2·√4 = 1.
    const a = gaussianRows(20000, 1, 0, 4)
    const b = a.map((v) => v * 2)
    expect(frechetDistance(a, 20000, b, 20000, 1)).toBeCloseTo(1, 1)
  })
})
