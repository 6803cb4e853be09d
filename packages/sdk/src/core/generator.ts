import type { ModelContract } from './contract.js'
import { GanError } from './errors.js'
import { GeneratedImage } from './image.js'
import type { ModelInfo } from './model-info.js'
import { toRgba } from './postprocess.js'
import type { InferenceSessionLike } from './runtime.js'
import { seedToInteger, seedToLatent, type Seed } from './seed.js'

/**
 * A loaded generator. Platform entries subclass it with a `static load()` that builds the session;
 * everything here is platform-free.
 */
export class GeneratorBase {
  #session: InferenceSessionLike | undefined
  readonly #info: ModelInfo

  protected constructor(session: InferenceSessionLike, info: ModelInfo) {
    this.#session = session
    this.#info = info
  }

  /** The model contract as read from the model (and load options). */
  get info(): ModelContract {
    const { inputRank: _rank, ...contract } = this.#info
    return contract
  }

  /** One image for `seed`. Concurrent calls are safe: each is its own session run. */
  async generate(seed: Seed): Promise<GeneratedImage> {
    const [image] = await this.generateBatch([seed])
    return image!
  }

  /** One image per seed, from ONE session run over the whole batch. */
  async generateBatch(seeds: readonly Seed[]): Promise<GeneratedImage[]> {
    if (!Array.isArray(seeds)) {
      throw new GanError('ERR_INVALID_SEED', `generateBatch takes an array of seeds, got ${seeds === null ? 'null' : typeof seeds}.`)
    }
    const session = this.#session
    if (session === undefined) throw new GanError('ERR_INVALID_OPTION', 'this generator was disposed; load it again with Generator.load().')
    if (seeds.length === 0) return []
    const info = this.#info
    // Validate every seed before any work, so a bad seed in position 900 costs nothing.
    seeds.forEach((seed) => seedToInteger(seed))
    const latents = new Float32Array(seeds.length * info.latentSize)
    seeds.forEach((seed, i) => seedToLatent(seed, info.latentSize, info.latentDistribution, latents, i * info.latentSize))
    let output: Float32Array
    try {
      output = await session.run(latents, seeds.length)
    } catch (err) {
      throw new GanError('ERR_INFERENCE', `the model failed to run on a batch of ${seeds.length}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    const expected = seeds.length * info.width * info.height * info.channels
    if (output.length !== expected) {
      throw new GanError(
        'ERR_NOT_A_GENERATOR',
        `the model returned ${output.length} values for ${seeds.length} image(s); ${info.width}×${info.height}×${info.channels} needs ${expected}. Pass width/height/layout load options that match the model's output.`,
      )
    }
    return seeds.map((seed, i) => new GeneratedImage(info.width, info.height, info.channels, toRgba(output, i, info), seed))
  }

  /** Free the runtime session. The generator cannot be used afterwards. */
  async dispose(): Promise<void> {
    const session = this.#session
    this.#session = undefined
    await session?.release()
  }
}
