/**
 * The seed contract (docs/seeds.md): `seed → latent` is bit-identical on every JS engine. Only
 * + − × ÷, Math.sqrt, Math.imul and 32-bit integer operations are used: IEEE-754 requires these to
 * be correctly rounded, so every engine computes the same bits. Math.random/log/exp/sin/cos are
 * never used, since engines are free to approximate them differently.
 */
import type { LatentDistribution } from './contract.js'
import { GanError } from './errors.js'

/** A seed: a safe non-negative integer, or a non-empty string (hashed to one). */
export type Seed = number | string

const TWO_32 = 4294967296
const TWO_53 = 9007199254740992

/** Validate a seed and return the integer in [0, 2^53) it stands for. Strings go through {@link hashString}. */
export function seedToInteger(seed: Seed): number {
  if (typeof seed === 'string') {
    if (seed.length === 0) {
      throw new GanError('ERR_INVALID_SEED', 'seed "" is empty: pass a non-empty string or an integer in [0, 2^53 − 1].')
    }
    return hashString(seed)
  }
  if (typeof seed !== 'number') {
    const shown = typeof seed === 'bigint' ? `${String(seed)}n` : typeof seed
    throw new GanError('ERR_INVALID_SEED', `seed ${shown} is not a number or string: pass an integer in [0, 2^53 − 1] (Number.MAX_SAFE_INTEGER) or a non-empty string.`)
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    const why = Number.isNaN(seed) ? 'is NaN' : !Number.isFinite(seed) ? 'is not finite' : !Number.isInteger(seed) ? 'is not an integer' : seed < 0 ? 'is negative' : 'is above 2^53 − 1'
    throw new GanError('ERR_INVALID_SEED', `seed ${String(seed)} ${why}: pass an integer in [0, 2^53 − 1] (Number.MAX_SAFE_INTEGER), or a string.`)
  }
  return seed === 0 ? 0 : seed // folds −0 into 0
}

/**
 * cyrb53 over the UTF-8 bytes of `text`: a 53-bit hash built from Math.imul, so it is exact on
 * every engine. UTF-8 (not UTF-16 code units) so other languages can reproduce it from bytes.
 */
export function hashString(text: string): number {
  const bytes = new TextEncoder().encode(text)
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (const b of bytes) {
    h1 = Math.imul(h1 ^ b, 2654435761)
    h2 = Math.imul(h2 ^ b, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h2 & 0x1fffff) * TWO_32 + (h1 >>> 0)
}

/** splitmix32: one step of a Weyl sequence through a bijective mixer. */
function splitmix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) >>> 0
  let z = next
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return [next, (z ^ (z >>> 16)) >>> 0]
}

/**
 * xoshiro128** (Blackman & Vigna), 128-bit state. Words 0–1 come from splitmix32 seeded with
 * the seed's low 32 bits, words 2–3 from splitmix32 seeded with its high 21 bits: distinct seeds
 * give distinct states.
 */
export class SeedRandom {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  constructor(seed: Seed) {
    const n = seedToInteger(seed)
    const lo = n % TWO_32 >>> 0
    const hi = Math.floor(n / TWO_32) >>> 0
    let st = lo
    ;[st, this.s0] = splitmix32(st)
    ;[st, this.s1] = splitmix32(st)
    st = hi
    ;[st, this.s2] = splitmix32(st)
    ;[, this.s3] = splitmix32(st)
  }

  /** Next 32-bit unsigned output. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1) with 53 random bits: 27 from one output, 26 from the next. */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) / TWO_53
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
  let m = x
  let e = 0
  while (m < SQRT_HALF) {
    m *= 2
    e -= 1
  }
  const f = (m - 1) / (m + 1)
  const f2 = f * f
  // Horner over 1/(2k+1), k = 11 … 0.
  let series = 1 / 23
  for (let k = 10; k >= 0; k--) series = series * f2 + 1 / (2 * k + 1)
  return e * LN2_HI + (e * LN2_LO + 2 * f * series)
}

/** Standard normal samples by Marsaglia's polar method (two per accepted pair). */
export class NormalSampler {
  private spare: number | undefined

  constructor(private readonly random: SeedRandom) {}

  next(): number {
    if (this.spare !== undefined) {
      const s = this.spare
      this.spare = undefined
      return s
    }
    for (;;) {
      const u = 2 * this.random.nextFloat() - 1
      const v = 2 * this.random.nextFloat() - 1
      const s = u * u + v * v
      if (s >= 1 || s === 0) continue
      const m = Math.sqrt((-2 * ln(s)) / s)
      this.spare = v * m
      return u * m
    }
  }
}

/**
 * The latent vector for `seed`: `size` float32 values drawn in order from N(0, 1) (`normal`) or
 * U[−1, 1) (`uniform`). Writes into `out` at `offset` when given (batching without copies).
 */
export function seedToLatent(
  seed: Seed,
  size: number,
  distribution: LatentDistribution = 'normal',
  out: Float32Array = new Float32Array(size),
  offset = 0,
): Float32Array {
  const random = new SeedRandom(seed)
  if (distribution === 'uniform') {
    for (let i = 0; i < size; i++) out[offset + i] = 2 * random.nextFloat() - 1
  } else {
    const normal = new NormalSampler(random)
    for (let i = 0; i < size; i++) out[offset + i] = normal.next()
  }
  return out
}
