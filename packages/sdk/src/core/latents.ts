import type { LatentDistribution } from './contract.js'
import { LATENTS_WASM_BASE64 } from './latents-wasm.js'
import { seedState, type Seed } from './seed-state.js'
import { align16, instantiateKernels, memoryOf } from './wasm.js'

/** What latents.wat exports. Arguments are byte offsets into its memory, and counts. */
interface Kernels {
  memory: WebAssembly.Memory
  uniform(states: number, groups: number, size: number, out: number): void
  pairs(states: number, groups: number, count: number, us: number, vs: number, ss: number): void
  polar(us: number, vs: number, ss: number, count: number, out: number): void
}

/** Seeds are sampled in blocks of about this many values, so the kernels' memory stays bounded. */
const BLOCK_VALUES = 1 << 17
/** Streams run four to a group, one per i32 lane. */
const LANES = 4

let sampler: LatentSampler | undefined

/**
 * The latents of `seeds`, `size` values each, row by row (the seed contract's draws, docs/seeds.md
 * §3), from the WebAssembly SIMD kernels of latents.wat. Seeds are validated, and made generator
 * states, by seed-state.ts. Callers validate `size` and `distribution`.
 */
export function sampleLatents(seeds: readonly Seed[], size: number, distribution: LatentDistribution): Float32Array {
  sampler ??= new LatentSampler(instantiateKernels<Kernels>('latents.wat', LATENTS_WASM_BASE64))
  return sampler.sample(seeds, size, distribution)
}

/**
 * Runs latents.wat over blocks of seeds in its memory. One per process: sampling is synchronous,
 * so no two calls share its memory at once.
 */
class LatentSampler {
  readonly #kernels: Kernels

  constructor(kernels: Kernels) {
    this.#kernels = kernels
  }

  sample(seeds: readonly Seed[], size: number, distribution: LatentDistribution): Float32Array {
    const out = new Float32Array(seeds.length * size)
    const perBlock = Math.max(LANES, Math.floor(BLOCK_VALUES / size / LANES) * LANES)
    for (let first = 0; first < seeds.length; first += perBlock) {
      const block = seeds.slice(first, first + perBlock)
      const values = distribution === 'normal' ? this.#normal(block, size) : this.#uniform(block, size)
      out.set(values, first * size)
    }
    return out
  }

  /** Writes the generator states of `seeds` at offset 0 of the kernels' memory, group by group. */
  #states(seeds: readonly Seed[], memory: ArrayBuffer): void {
    const groups = Math.ceil(seeds.length / LANES)
    const words = new Int32Array(memory, 0, groups * 16)
    for (let i = 0; i < groups * LANES; i++) {
      // Lanes past the last seed run a copy of the first seed's stream; their values are dropped.
      const state = seedState(seeds[i < seeds.length ? i : 0]!)
      const at = (i >> 2) * 16 + (i & 3) // group i / 4: s0 … s3 as four v128, lane i mod 4
      for (let w = 0; w < 4; w++) words[at + 4 * w] = state[w]!
    }
  }

  #uniform(seeds: readonly Seed[], size: number): Float32Array {
    const groups = Math.ceil(seeds.length / LANES)
    const outAt = groups * 64
    const memory = memoryOf(this.#kernels.memory, outAt + groups * LANES * size * 4)
    this.#states(seeds, memory)
    this.#kernels.uniform(0, groups, size, outAt)
    return new Float32Array(memory, outAt, seeds.length * size)
  }

  #normal(seeds: readonly Seed[], size: number): Float32Array {
    const pairs = (size + 1) >> 1
    const groups = Math.ceil(seeds.length / LANES)
    // Three f64 arrays of every stream's pairs, then 2·pairs f32 values per seed; one slack pair each.
    const pairBytes = align16((groups * LANES * pairs + 1) * 8)
    const usAt = groups * 64
    const vsAt = usAt + pairBytes
    const ssAt = vsAt + pairBytes
    const outAt = ssAt + pairBytes
    const memory = memoryOf(this.#kernels.memory, outAt + (seeds.length * pairs + 1) * 8)
    this.#states(seeds, memory)
    this.#kernels.pairs(0, groups, pairs, usAt, vsAt, ssAt)
    this.#kernels.polar(usAt, vsAt, ssAt, seeds.length * pairs, outAt)
    const values = new Float32Array(memory, outAt, seeds.length * 2 * pairs)
    if (2 * pairs === size) return values
    // Odd sizes: each latent drops its last pair's v·m.
    const out = new Float32Array(seeds.length * size)
    for (let i = 0; i < seeds.length; i++) out.set(values.subarray(i * 2 * pairs, i * 2 * pairs + size), i * size)
    return out
  }
}
