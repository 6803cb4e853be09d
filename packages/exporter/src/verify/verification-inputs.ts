import { seedsToLatents, seedToInteger, type LatentDistribution } from 'gan-sdk/core'
import type { GraphIo } from '../convert/onnx-graph.js'

/** Latents the parity check feeds both runtimes: more than one, so batching bugs show. */
export const VERIFY_LATENTS = 8

/** Seeds of the {@link VERIFY_LATENTS} rows (row 6 is all zero, row 7 is seed 7's latent ×2.5). */
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7]

/** At most this many rows are added to show every class of a conditional model (spread over the classes when there are more). */
const MAX_CLASS_ROWS = 64

/**
 * {@link VERIFY_LATENTS} fixed latent vectors, row-major [VERIFY_LATENTS, latentSize]: what the SDK
 * feeds the model for seeds 0…5 (its seed contract, in the model's distribution), one all-zero
 * vector (biases and BN shifts alone) and seed 7's scaled ×2.5 (the tails, where saturation and
 * clipping bugs show). Deterministic, so a parity failure reproduces.
 */
export function verificationLatents(latentSize: number, distribution: LatentDistribution): Float32Array {
  const draws = seedsToLatents([0, 1, 2, 3, 4, 5, 7], latentSize, { distribution })
  const out = new Float32Array(VERIFY_LATENTS * latentSize) // row 6 stays all zero
  out.set(draws.subarray(0, 6 * latentSize))
  out.set(
    draws.subarray(6 * latentSize).map((x) => x * 2.5),
    7 * latentSize,
  )
  return out
}

/** One graph input's values for every verification row, row-major. */
export interface Feed {
  name: string
  type: 'float' | 'int64'
  /** Shape of one row (the batch dimension left out). */
  dims: readonly number[]
  values: Float32Array | Int32Array
}

export interface VerificationInputs {
  rows: number
  /** One per graph input, in the graph's order. */
  feeds: Feed[]
  /** Distinct classes the label rows cover (0 for unconditional models). */
  classes: number
}

/** What the inputs depend on: the converted graph's inputs and classes, and the contract's distribution and range. */
export interface VerificationSpec {
  role: 'generator' | 'discriminator'
  inputs: readonly GraphIo[]
  classes: number | undefined
  latentDistribution?: LatentDistribution
  range: readonly [number, number]
}

/**
 * The fixed inputs both runtimes get. Generators: {@link verificationLatents}; discriminators: for
 * seeds 0…5, noise images uniform over the input range (the seed contract's uniform draws, scaled),
 * then an all-minimum and an all-maximum image. A conditional model's label of row i is the SDK's
 * class of seed i, `seedToInteger(seed) mod K`; then up to {@link MAX_CLASS_ROWS} rows (latents or
 * noise of seeds 8, 9, …) add every class (or as many, spread), so each class's embedding runs.
 */
export function verificationInputs(spec: VerificationSpec): VerificationInputs {
  const [main, label] = spec.inputs
  const classes = spec.classes ?? 0
  const classRows = Math.min(classes, MAX_CLASS_ROWS)
  const rows = VERIFY_LATENTS + classRows
  const extraSeeds = Array.from({ length: classRows }, (_, i) => VERIFY_LATENTS + i)
  const size = main!.dims.reduce((a, b) => a * b, 1)
  const values = new Float32Array(rows * size)
  if (spec.role === 'generator') {
    values.set(verificationLatents(size, spec.latentDistribution ?? 'normal'))
    values.set(seedsToLatents(extraSeeds, size, { distribution: spec.latentDistribution ?? 'normal' }), VERIFY_LATENTS * size)
  } else {
    const [min, max] = spec.range
    const scale = (x: number) => min + ((x + 1) / 2) * (max - min)
    values.set(seedsToLatents(SEEDS.slice(0, 6), size, { distribution: 'uniform' }).map(scale))
    values.fill(min, 6 * size, 7 * size)
    values.fill(max, 7 * size, 8 * size)
    values.set(seedsToLatents(extraSeeds, size, { distribution: 'uniform' }).map(scale), VERIFY_LATENTS * size)
  }
  const feeds: Feed[] = [{ name: main!.name, type: 'float', dims: main!.dims, values }]
  if (label !== undefined && classes > 0) {
    const spread = Array.from({ length: classRows }, (_, i) => (classRows === 1 ? 0 : Math.round((i * (classes - 1)) / (classRows - 1))))
    const labels = Int32Array.from([...SEEDS.map((seed) => seedToInteger(seed) % classes), ...spread])
    feeds.push({ name: label.name, type: 'int64', dims: [], values: labels })
  }
  return { rows, feeds, classes: classRows }
}
