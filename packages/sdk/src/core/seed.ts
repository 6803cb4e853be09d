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
  /**
   * The truncation trick, ψ in (0, 1]: every value is multiplied by ψ and rounded to float32, which
   * pulls the latent toward the distribution's centre (0) — less variety, fewer failed samples.
   * 1 is off. @default 1
   */
  truncation?: number
}

/** Validate latent options, filling in the defaults. Never mutates `input`. */
export function resolveLatentOptions(input: unknown = {}): Required<LatentOptions> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `latent options ${describeValue(input)} are not an object: pass e.g. { distribution: 'uniform' }.`,
    )
  }
  const { distribution = 'normal', truncation = 1, ...unknown } = input as Record<string, unknown>
  const [extra] = Object.keys(unknown)
  if (extra !== undefined)
    throw new GanError(
      'ERR_INVALID_OPTION',
      `latent option ${describeValue(extra)} is unknown: the options are distribution and truncation.`,
    )
  checkTruncation(truncation)
  if (typeof distribution !== 'string' || !LATENT_DISTRIBUTIONS.includes(distribution as LatentDistribution)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `latent distribution ${describeValue(distribution)} is unknown: pass one of ${LATENT_DISTRIBUTIONS.join(', ')}.`,
    )
  }
  return { distribution: distribution as LatentDistribution, truncation }
}

/** Throws unless `truncation` is a number in (0, 1]. */
export function checkTruncation(truncation: unknown): asserts truncation is number {
  if (typeof truncation !== 'number' || !(truncation > 0 && truncation <= 1)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `truncation ${describeValue(truncation)} is invalid: pass ψ in (0, 1], e.g. 0.7 (1 turns truncation off).`,
    )
  }
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
  const { distribution, truncation } = resolveLatentOptions(options)
  checkSeedList(seeds)
  return latentsOfCheckedSeeds(seeds, checkSize(size), distribution, truncation)
}

/** {@link seedsToLatents} for arguments already validated (the generator's hot path). */
export function latentsOfCheckedSeeds(
  seeds: readonly Seed[],
  size: number,
  distribution: LatentDistribution,
  truncation: number,
): Float32Array {
  const latents = sampleLatents(seeds, size, distribution)
  // Each product is rounded to float32 by the store, IEEE-754 round to nearest even: the same bits everywhere.
  if (truncation !== 1) for (let i = 0; i < latents.length; i++) latents[i] = latents[i]! * truncation
  return latents
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
