/**
 * The seed contract's draws (docs/seeds.md §2–3) in plain TypeScript, written as the spec reads:
 * the reference that latents.wat, the kernels the SDK runs, is held to bit for bit, and the place
 * to read the contract as code. Only + − × ÷, Math.sqrt, Math.imul and 32-bit integer operations
 * are used: IEEE-754 requires these to be correctly rounded, so every engine computes the same
 * bits. Math.random/log/exp/sin/cos are never used, since engines are free to approximate them.
 */
import type { LatentDistribution } from '../core/model-contract.js'
import { seedState, type Seed } from '../core/seed-state.js'

/** xoshiro128** (Blackman & Vigna) from a state of {@link seedState}. */
export class Xoshiro128 {
  readonly #s: Int32Array

  constructor(seed: Seed) {
    this.#s = seedState(seed)
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0
    const t = s[1]! << 9
    s[2] = s[2]! ^ s[0]!
    s[3] = s[3]! ^ s[1]!
    s[1] = s[1]! ^ s[2]!
    s[0] = s[0]! ^ s[3]!
    s[2] = s[2]! ^ t
    s[3] = rotl(s[3]!, 11)
    return result
  }

  /** U ∈ [0, 1) with 53 random bits: ((a >>> 5)·2^26 + (b >>> 6)) / 2^53 for the next outputs a, b. */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

const LN2_HI = 0.6931471803691238 // ln 2 rounded to 32 significant bits: e·LN2_HI is exact
const LN2_LO = 1.9082149292705877e-10 // ln 2 − LN2_HI
const SQRT_HALF = 0.7071067811865476

/**
 * Natural log for x in (0, 1], from + − × ÷ only. x = m·2^e with m in [√½, √2) by exact doublings,
 * then ln m = 2·atanh(f), f = (m−1)/(m+1), |f| ≤ 0.172, by a fixed 12-term odd series (the next
 * term is below 2^−60). Accurate to ~1 ulp of Math.log, and identical on every engine.
 */
export function ln(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.NEGATIVE_INFINITY : Number.NaN // else the doubling loop never ends
  let m = x
  let e = 0
  while (m < SQRT_HALF) {
    m *= 2
    e -= 1
  }
  const f = (m - 1) / (m + 1)
  const f2 = f * f
  let series = 1 / 23
  for (let k = 10; k >= 0; k--) series = series * f2 + 1 / (2 * k + 1)
  return e * LN2_HI + (e * LN2_LO + 2 * f * series)
}

/** One latent: `size` values from a fresh generator for `seed`, each rounded to float32 as stored. */
function latent(seed: Seed, size: number, distribution: LatentDistribution, out: Float32Array, at: number): void {
  const random = new Xoshiro128(seed)
  const uniform = () => 2 * random.nextFloat() - 1
  for (let i = 0; i < size;) {
    if (distribution === 'uniform') {
      out[at + i++] = uniform()
      continue
    }
    // Marsaglia's polar method: u before v, until 0 < s < 1; u·m, then v·m unless the latent is full.
    let u: number
    let v: number
    let s: number
    do {
      u = uniform()
      v = uniform()
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const m = Math.sqrt((-2 * ln(s)) / s)
    out[at + i++] = u * m
    if (i < size) out[at + i++] = v * m
  }
}

/** The latents of `seeds`, `size` values each, row by row, as the contract defines them. */
export function referenceLatents(seeds: readonly Seed[], size: number, distribution: LatentDistribution): Float32Array {
  const out = new Float32Array(seeds.length * size)
  seeds.forEach((seed, n) => latent(seed, size, distribution, out, n * size))
  return out
}
