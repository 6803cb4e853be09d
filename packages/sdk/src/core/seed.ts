/**
 * The seed contract (docs/seeds.md): `seed → latent` is bit-identical on every JS engine. Only
 * + − × ÷, Math.sqrt, Math.imul and 32-bit integer operations are used: IEEE-754 requires these to
 * be correctly rounded, so every engine computes the same bits. Math.random/log/exp/sin/cos are
 * never used, since engines are free to approximate them differently.
 */
import { LATENT_DISTRIBUTIONS, type LatentDistribution } from './contract.js'
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'

/** A seed: an integer in [0, 2^53 − 1], or a non-empty string (hashed to such an integer). */
export type Seed = number | string

const TWO_32 = 4294967296
const TWO_53 = 9007199254740992
const VALID_SEEDS = 'an integer in [0, 2^53 − 1] (Number.MAX_SAFE_INTEGER) or a non-empty string'

/** Validate a seed and return the integer in [0, 2^53) it stands for. Strings go through {@link hashString}. */
export function seedToInteger(seed: Seed): number {
  if (typeof seed === 'string') {
    if (seed.length === 0) throw invalidSeed(seed, 'is empty')
    return hashString(seed)
  }
  if (typeof seed !== 'number') throw invalidSeed(seed, `is not a number or string (it is ${seed === null ? 'null' : typeof seed})`)
  if (Number.isSafeInteger(seed) && seed >= 0) return seed === 0 ? 0 : seed // folds −0 into 0
  const why = Number.isNaN(seed) ? 'is NaN' : !Number.isFinite(seed) ? 'is not finite' : !Number.isInteger(seed) ? 'is not an integer' : seed < 0 ? 'is negative' : 'is above 2^53 − 1'
  throw invalidSeed(seed, why)
}

function invalidSeed(seed: unknown, why: string): GanError {
  return new GanError('ERR_INVALID_SEED', `seed ${describeValue(seed)} ${why}: pass ${VALID_SEEDS}.`)
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

const GAMMA = 0x9e3779b9 // splitmix32's Weyl increment, 2^32 / φ

/** splitmix32's output function (MurmurHash3's fmix32): a bijection on 32-bit words. */
function mix32(state: number): number {
  let z = state
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/**
 * xoshiro128** (Blackman & Vigna), 128-bit state, seeded by one splitmix32 stream: two steps from
 * the seed's low 32 bits, then the stream state is XORed with the high 21 bits for two more steps.
 * Injective (lo = w0 − γ, then hi = (w2 − γ) ^ w1 for the Weyl states w), so distinct seeds give
 * distinct states; one chained stream, rather than one per half, keeps seeds with equal halves
 * (seed 0) from getting a state of two repeated words.
 */
export class SeedRandom {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  constructor(seed: Seed) {
    const n = seedToInteger(seed)
    const w0 = ((n % TWO_32) + GAMMA) >>> 0
    const w1 = (w0 + GAMMA) >>> 0
    const w2 = (((w1 ^ Math.floor(n / TWO_32)) >>> 0) + GAMMA) >>> 0
    const w3 = (w2 + GAMMA) >>> 0
    this.s0 = mix32(w0)
    this.s1 = mix32(w1)
    this.s2 = mix32(w2)
    this.s3 = mix32(w3)
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
  if (!(x > 0)) return x === 0 ? Number.NEGATIVE_INFINITY : Number.NaN // else the doubling loop never ends
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

/**
 * Writes `out[start]` … `out[end − 1]` with draws from one distribution, in order. Each is a small
 * function of the generator alone so that variants (truncation) can wrap or replace one of them.
 */
type Sampler = (random: SeedRandom, out: Float32Array, start: number, end: number) => void

/** U[−1, 1): one 53-bit uniform per value. */
const uniform: Sampler = (random, out, start, end) => {
  for (let i = start; i < end; i++) out[i] = 2 * random.nextFloat() - 1
}

/**
 * N(0, 1) by Marsaglia's polar method: each accepted pair (u, v) yields u·m, then v·m; when the
 * vector length is odd, the last v·m is dropped.
 *
 * Two pairs are drawn before either is transformed, so the two `ln`s (long chains of dependent
 * multiply-adds) run side by side on the CPU; the draws, their order and every rounding are those of
 * one pair at a time. The second pair is only drawn when one pair at a time would draw it too.
 */
const normal: Sampler = (random, out, start, end) => {
  const pairs = new Float64Array(6) // u, v, s of the first pair, then of the second
  for (let i = start; i < end; ) {
    acceptedPair(random, pairs, 0)
    const second = i + 2 < end
    if (second) acceptedPair(random, pairs, 3)
    const ln1 = ln(pairs[2]!)
    const ln2 = second ? ln(pairs[5]!) : 0
    const m = Math.sqrt((-2 * ln1) / pairs[2]!)
    out[i++] = pairs[0]! * m
    if (i < end) out[i++] = pairs[1]! * m
    if (!second) continue
    const m2 = Math.sqrt((-2 * ln2) / pairs[5]!)
    out[i++] = pairs[3]! * m2
    if (i < end) out[i++] = pairs[4]! * m2
  }
}

/** Draws (u, v) uniform in [−1, 1)² until 0 < s = u² + v² < 1; writes u, v, s at `pairs[at …]`. */
function acceptedPair(random: SeedRandom, pairs: Float64Array, at: number): void {
  let u: number
  let v: number
  let s: number
  do {
    u = 2 * random.nextFloat() - 1
    v = 2 * random.nextFloat() - 1
    s = u * u + v * v
  } while (s >= 1 || s === 0)
  pairs[at] = u
  pairs[at + 1] = v
  pairs[at + 2] = s
}

const SAMPLERS: Record<LatentDistribution, Sampler> = { normal, uniform }

/** Options of {@link seedToLatent}. */
export interface LatentOptions {
  /** Distribution of the values: N(0, 1) or U[−1, 1). Use the model's `info.latentDistribution`. @default 'normal' */
  distribution?: LatentDistribution
}

/** Validate latent options, filling in the defaults. Never mutates `input`. */
export function resolveLatentOptions(input: unknown = {}): Required<LatentOptions> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new GanError('ERR_INVALID_OPTION', `latent options ${describeValue(input)} are not an object: pass e.g. { distribution: 'uniform' }.`)
  }
  const { distribution = 'normal', ...unknown } = input as Record<string, unknown>
  const [extra] = Object.keys(unknown)
  if (extra !== undefined) throw new GanError('ERR_INVALID_OPTION', `latent option ${describeValue(extra)} is unknown: the only option is distribution.`)
  if (typeof distribution !== 'string' || !Object.hasOwn(SAMPLERS, distribution)) {
    throw new GanError('ERR_INVALID_OPTION', `latent distribution ${describeValue(distribution)} is unknown: pass one of ${LATENT_DISTRIBUTIONS.join(', ')}.`)
  }
  return { distribution: distribution as LatentDistribution }
}

/**
 * The latent vector for `seed` (docs/seeds.md): `size` values drawn in order, rounded to float32.
 * The same on every JS engine, so `generate(seed)` is reproducible everywhere.
 * @example seedToLatent('hello', 100, { distribution: 'uniform' })
 */
export function seedToLatent(seed: Seed, size: number, options: LatentOptions = {}): Float32Array {
  const { distribution } = resolveLatentOptions(options)
  const out = new Float32Array(checkSize(size))
  writeLatent(seed, distribution, out, 0, size)
  return out
}

/**
 * The latents of several seeds as one `[seeds.length, size]` array, row by row: a generator's input
 * for these seeds (for running a model yourself, or checking an export against the SDK).
 */
export function seedsToLatents(seeds: readonly Seed[], size: number, options: LatentOptions = {}): Float32Array {
  const { distribution } = resolveLatentOptions(options)
  if (!Array.isArray(seeds)) throw new GanError('ERR_INVALID_SEED', `seeds ${describeValue(seeds)} are not an array: pass an array of seeds, e.g. [1, 2, 3].`)
  const out = new Float32Array(seeds.length * checkSize(size))
  for (let i = 0; i < seeds.length; i++) writeLatent(seeds[i]!, distribution, out, i * size, size)
  return out
}

function checkSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new GanError('ERR_INVALID_OPTION', `latent size ${describeValue(size)} is invalid: pass a positive integer (the model's info.latentSize).`)
  }
  return size
}

/**
 * {@link seedToLatent} into `out[offset … offset + size)`, for batches: every latent of a batch goes
 * straight into the one input array. Options are not re-validated here; the seed is.
 */
function writeLatent(seed: Seed, distribution: LatentDistribution, out: Float32Array, offset: number, size: number): void {
  SAMPLERS[distribution](new SeedRandom(seed), out, offset, offset + size)
}
