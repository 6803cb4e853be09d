import type { LatentDistribution } from '../model-contract.js'
import { LATENTS_WASM_BASE64 } from './latents-wasm.js'
import { seedState, type Seed } from '../seed-state.js'
import { align16, instantiateKernels, memoryOf } from './wasm.js'

/** What latents.wat exports. Arguments are byte offsets into its memory, and counts. */
interface Kernels {
  memory: WebAssembly.Memory
  uniform(states: number, groups: number, size: number, out: number): void
  pairs(states: number, groups: number, count: number, us: number, vs: number, ss: number): void
  polar(us: number, vs: number, ss: number, count: number, out: number): void
}

/**
 * The longest latent the kernels sample. One seed of this size takes about 52 MiB of their
 * memory (four lanes of three f64 arrays, and the output); latents of real GANs are a few hundred.
 */
export const MAX_LATENT_SIZE = 1 << 20
/** Seeds are sampled in blocks of about this many values (at least one group of four seeds). */
const BLOCK_VALUES = 1 << 17
/** Streams run four to a group, one per i32 lane. */
const LANES = 4
/**
 * After a call that grew the kernels' memory past this (latents of more than 2^15 values), the
 * instance is dropped, so that its memory goes with it rather than staying for the process's life.
 */
const KEEP_MEMORY = 8 << 20

let sampler: LatentSampler | undefined

/**
 * The latents of `seeds`, `size` values each, row by row (the seed contract's draws, docs/seeds.md
 * §3), from the WebAssembly SIMD kernels of latents.wat. Seeds are validated, and made generator
 * states, by seed-state.ts. Callers validate `size` and `distribution`.
 */
export function sampleLatents(seeds: readonly Seed[], size: number, distribution: LatentDistribution): Float32Array {
  const current = (sampler ??= new LatentSampler(instantiateKernels<Kernels>('latents.wat', LATENTS_WASM_BASE64)))
  try {
    return current.sample(seeds, size, distribution)
  } finally {
    if (current.memoryBytes > KEEP_MEMORY) sampler = undefined
  }
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

  get memoryBytes(): number {
    return this.#kernels.memory.buffer.byteLength
  }

  sample(seeds: readonly Seed[], size: number, distribution: LatentDistribution): Float32Array {
    const out = new Float32Array(seeds.length * size)
    const perBlock = Math.max(LANES, Math.floor(BLOCK_VALUES / size / LANES) * LANES)
    for (let first = 0; first < seeds.length; first += perBlock) {
      const block = seeds.slice(first, first + perBlock)
      if (distribution === 'normal') this.#normal(block, size, out.subarray(first * size))
      else this.#uniform(block, size, out.subarray(first * size))
    }
    return out
  }

  /** Writes the generator states of `seeds` at offset 0 of the kernels' memory, group by group. */
  #states(seeds: readonly Seed[], memory: ArrayBuffer): void {
    const groups = Math.ceil(seeds.length / LANES)
    const words = new Int32Array(memory, 0, groups * 16)
    let state: Int32Array = new Int32Array(4)
    for (let i = 0; i < groups * LANES; i++) {
      // Lanes past the last seed rerun its stream; their values are dropped.
      if (i < seeds.length) state = seedState(seeds[i]!)
      const at = (i >> 2) * 16 + (i & 3) // group i / 4: s0 … s3 as four v128, lane i mod 4
      for (let w = 0; w < 4; w++) words[at + 4 * w] = state[w]!
    }
  }

  /** The uniform latents of `seeds` into `out`, row by row. */
  #uniform(seeds: readonly Seed[], size: number, out: Float32Array): void {
    const groups = Math.ceil(seeds.length / LANES)
    const outAt = groups * 64
    const memory = memoryOf(this.#kernels.memory, outAt + groups * LANES * size * 4)
    this.#states(seeds, memory)
    this.#kernels.uniform(0, groups, size, outAt)
    out.set(new Float32Array(memory, outAt, seeds.length * size))
  }

  /** The normal latents of `seeds` into `out`, row by row. */
  #normal(seeds: readonly Seed[], size: number, out: Float32Array): void {
    const pairs = (size + 1) >> 1
    const groups = Math.ceil(seeds.length / LANES)
    // Three f64 arrays of every stream's pairs (polar may read one past the last seed's), then
    // 2·pairs f32 values per seed and one pair of slack for polar's last, two-pair store.
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
    if (2 * pairs === size) return out.set(values)
    // Odd sizes: each latent drops its last pair's v·m.
    for (let i = 0; i < seeds.length; i++) out.set(values.subarray(i * 2 * pairs, i * 2 * pairs + size), i * size)
  }
}
