import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import { seedToInteger, type Seed } from '../core/seed.js'
import { seedFromText } from '../core/seed-text.js'

/**
 * A range mistyped, not a string seed anyone means: an open end (`0-`), a double dash (`0--5`), an
 * end in exponent form (`0-1e3`). Dates and versions (`2024-01-15`, `1.2.3-4`) stay string seeds.
 */
const MISTYPED_RANGE = /^\d+\s*-\s*$|^\d+\s*--|^\d+\s*-\s*\d*\.?\d+e[-+]?\d+$|^\d*\.?\d+e[-+]?\d+\s*-\s*\d+$/i

/** The most images one seed specification may name: more is almost certainly a typo. */
export const MAX_SEEDS = 1_000_000

/**
 * Seeds as people write them for a bake. A string is a list separated by `,` or `;`, each item an
 * integer range `a-b` (both ends included), an integer, or a string seed (text that reads as a
 * number but is not digits, like `1e3`, is refused as ambiguous: seedFromText); an array holds seeds as
 * they are (`[1, 5, 'hero']`, where a string is one seed, never a range). Duplicates are dropped,
 * keeping the first; an integer and the string of its digits (`[7, '7']`, two images with one file
 * name) are refused, and so is a mistyped range (`0-`, `0--5`, `0-1e3`). `'0-99'` is 100 seeds; `'0-3;hero'` is 0, 1, 2, 3 and "hero".
 */
export function parseSeedSpec(spec: unknown): Seed[] {
  const items: Seed[] = []
  if (typeof spec === 'string') {
    for (const raw of spec.split(/[,;]/)) {
      const item = raw.trim()
      if (item === '') continue
      const range = /^(\d+)\s*-\s*(\d+)$/.exec(item)
      if (range !== null) {
        const [from, to] = [Number(range[1]), Number(range[2])]
        if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
          throw new GanError(
            'ERR_INVALID_SEED',
            `seed range ${describeValue(item)} is invalid: write from-to with from ≤ to, both in [0, 2^53 − 1].`,
          )
        }
        if (to - from + 1 + items.length > MAX_SEEDS) throw tooMany(spec)
        for (let s = from; s <= to; s++) items.push(s)
      } else if (MISTYPED_RANGE.test(item)) {
        throw new GanError('ERR_INVALID_SEED', `seed range ${describeValue(item)} is invalid: write from-to with digits only, e.g. 0-99.`)
      } else {
        items.push(seedFromText(item))
      }
    }
  } else if (Array.isArray(spec)) {
    items.push(...(spec as Seed[]))
  } else {
    throw new GanError(
      'ERR_INVALID_SEED',
      `seeds ${describeValue(spec)} are neither a list nor a string: pass e.g. '0-99', '1;5;hero' or [1, 5, 'hero'].`,
    )
  }
  if (items.length === 0) throw new GanError('ERR_INVALID_SEED', `seeds ${describeValue(spec)} name no seed: pass e.g. '0-99'.`)
  if (items.length > MAX_SEEDS) throw tooMany(spec)
  for (const seed of items) seedToInteger(seed) // the seed contract's own validation and message
  const seeds = [...new Set(items)]
  const integerNames = new Set(seeds.filter((seed) => typeof seed === 'number').map(String))
  const clash = seeds.find((seed) => typeof seed === 'string' && integerNames.has(seed))
  if (clash !== undefined) {
    throw new GanError(
      'ERR_INVALID_SEED',
      `seeds ${clash} and ${describeValue(clash)} are different images (an integer seed and a string seed) but would be written to one file name: keep one of them.`,
    )
  }
  return seeds
}

function tooMany(spec: unknown): GanError {
  return new GanError(
    'ERR_INVALID_SEED',
    `seeds ${describeValue(spec)} name more than ${MAX_SEEDS.toLocaleString('en-US')} images: bake them in parts.`,
  )
}

/** A shard of a bake: `index` of `count`, 1-based (`2/4`), as CI matrices and Kubernetes Indexed Jobs number them (+1). */
export interface Shard {
  index: number
  count: number
}

/** Parse `"i/n"` (1 ≤ i ≤ n) or take a {@link Shard} as it is. */
export function parseShard(value: unknown): Shard {
  const text = typeof value === 'string' ? value : undefined
  const m = text === undefined ? undefined : /^(\d+)\/(\d+)$/.exec(text.trim())
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : (value as Shard)
  if (
    shard === null ||
    typeof shard !== 'object' ||
    !Number.isSafeInteger(shard.index) ||
    !Number.isSafeInteger(shard.count) ||
    shard.count < 1 ||
    shard.index < 1 ||
    shard.index > shard.count
  ) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `shard ${describeValue(value)} is invalid: pass "i/n" with 1 ≤ i ≤ n, e.g. "2/4" (Kubernetes: $((JOB_COMPLETION_INDEX + 1))/n).`,
    )
  }
  return { index: shard.index, count: shard.count }
}

/** The items of shard i of n: every n-th, starting at the i-th; the shards are disjoint and together are all items. */
export function shardItems<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, k) => k % shard.count === shard.index - 1)
}
