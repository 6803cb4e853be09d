/**
 * The seed contract's public face (docs/seeds.md): `seed → latent`, bit-identical on every JS
 * engine. Seeds become generator states in seed-state.ts; the draws run in latents.wat.
 */
import { LATENT_DISTRIBUTIONS, type LatentDistribution } from './model-contract.js'
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'
import { MAX_LATENT_SIZE, sampleLatents } from './kernels/latents.js'
import { checkSeedList, type Seed } from './seed-state.js'

export { seedToInteger, type Seed } from './seed-state.js'

/** Options of {@link seedToLatent}. */
export interface LatentOptions {
  /** Distribution of the values: N(0, 1) or U[−1, 1). Use the model's `info.latentDistribution`. @default 'normal' */
  distribution?: LatentDistribution
}

/** Validate latent options, filling in the defaults. Never mutates `input`. */
export function resolveLatentOptions(input: unknown = {}): Required<LatentOptions> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `latent options ${describeValue(input)} are not an object: pass e.g. { distribution: 'uniform' }.`,
    )
  }
  const { distribution = 'normal', ...unknown } = input as Record<string, unknown>
  const [extra] = Object.keys(unknown)
  if (extra !== undefined)
    throw new GanError('ERR_INVALID_OPTION', `latent option ${describeValue(extra)} is unknown: the only option is distribution.`)
  if (typeof distribution !== 'string' || !LATENT_DISTRIBUTIONS.includes(distribution as LatentDistribution)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `latent distribution ${describeValue(distribution)} is unknown: pass one of ${LATENT_DISTRIBUTIONS.join(', ')}.`,
    )
  }
  return { distribution: distribution as LatentDistribution }
}

/**
 * The latent vector for `seed` (docs/seeds.md): `size` values drawn in order, rounded to float32.
 * The same on every JS engine, so `generate(seed)` is reproducible everywhere.
 * @example seedToLatent('hello', 100, { distribution: 'uniform' })
 */
export function seedToLatent(seed: Seed, size: number, options: LatentOptions = {}): Float32Array {
  return seedsToLatents([seed], size, options)
}

/**
 * The latents of several seeds as one `[seeds.length, size]` array, row by row: a generator's input
 * for these seeds (for running a model yourself, or checking an export against the SDK).
 */
export function seedsToLatents(seeds: readonly Seed[], size: number, options: LatentOptions = {}): Float32Array {
  const { distribution } = resolveLatentOptions(options)
  checkSeedList(seeds)
  return sampleLatents(seeds, checkSize(size), distribution)
}

function checkSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `latent size ${describeValue(size)} is invalid: pass a positive integer (the model's info.latentSize).`,
    )
  }
  if (size > MAX_LATENT_SIZE) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `latent size ${size} is above ${MAX_LATENT_SIZE} (2^20), the longest latent gan-sdk samples: pass a smaller size (GAN latents are a few hundred values).`,
    )
  }
  return size
}
