/**
 * Seeds and generator states (docs/seeds.md §1–2): a seed is validated and made a 53-bit integer
 * (strings by cyrb53 over UTF-8), and that integer seeds xoshiro128** through splitmix32. Only
 * Math.imul, 32-bit integer operations and exact double arithmetic are used, so every engine gets
 * the same bits. The draws from a state are latents.wat's (and testing/seed-reference.ts's).
 */
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'

/** A seed: an integer in [0, 2^53 − 1], or a non-empty string (hashed to such an integer). */
export type Seed = number | string

const TWO_32 = 4294967296
const VALID_SEEDS = 'an integer in [0, 2^53 − 1] (Number.MAX_SAFE_INTEGER) or a non-empty string'

/** Validate a seed and return the integer in [0, 2^53) it stands for. Strings go through {@link hashString}. */
export function seedToInteger(seed: Seed): number {
  if (typeof seed === 'string') {
    if (seed.length === 0) throw invalidSeed(seed, 'is empty')
    return hashString(seed)
  }
  if (typeof seed !== 'number') throw invalidSeed(seed, `is not a number or string (it is ${seed === null ? 'null' : typeof seed})`)
  if (Number.isSafeInteger(seed) && seed >= 0) return seed === 0 ? 0 : seed // folds −0 into 0
  const why = Number.isNaN(seed)
    ? 'is NaN'
    : !Number.isFinite(seed)
      ? 'is not finite'
      : !Number.isInteger(seed)
        ? 'is not an integer'
        : seed < 0
          ? 'is negative'
          : 'is above 2^53 − 1'
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
  return z ^ (z >>> 16)
}

/**
 * The xoshiro128** state (Blackman & Vigna) for `seed`: four 32-bit words (held as int32), from one
 * splitmix32 stream: two steps from the seed's low 32 bits, then the stream state is XORed with the
 * high 21 bits for two more steps. Injective (lo = w0 − γ, then hi = (w2 − γ) ^ w1 for the Weyl
 * states w), so distinct seeds give distinct states; one chained stream, rather than one per half,
 * keeps seeds with equal halves (seed 0) from getting a state of two repeated words.
 */
export function seedState(seed: Seed): Int32Array {
  const n = seedToInteger(seed)
  const w0 = ((n % TWO_32) + GAMMA) >>> 0
  const w1 = (w0 + GAMMA) >>> 0
  const w2 = (((w1 ^ Math.floor(n / TWO_32)) >>> 0) + GAMMA) >>> 0
  const w3 = (w2 + GAMMA) >>> 0
  return Int32Array.of(mix32(w0), mix32(w1), mix32(w2), mix32(w3))
}

/** Throws ERR_INVALID_SEED unless `seeds` is an array; its seeds are checked as they are drawn. */
export function checkSeedList(seeds: unknown): asserts seeds is readonly Seed[] {
  if (!Array.isArray(seeds))
    throw new GanError('ERR_INVALID_SEED', `seeds ${describeValue(seeds)} are not an array: pass an array of seeds, e.g. [1, 2, 3].`)
}
