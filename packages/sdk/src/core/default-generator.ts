import type { GenerateOptions } from './generate-options.js'
import type { GeneratedImage } from './image.js'
import type { Seed } from './seed.js'

/**
 * The `generate(seed)` of a platform entry: one image from the platform's default model, which
 * `load` opens on the first call; every later call (concurrent first calls included) shares it. A
 * failed load is not kept, so the next call tries again (e.g. after a missing file is restored).
 */
export function createDefaultGenerate(load: () => Promise<{ generate(seed: Seed, options?: GenerateOptions): Promise<GeneratedImage> }>) {
  let loaded: ReturnType<typeof load> | undefined
  /** One image for `seed` from the bundled model; `options` as `Generator.generate` takes them (`label`, `truncation`). */
  return async function generate(seed: Seed, options?: GenerateOptions): Promise<GeneratedImage> {
    loaded ??= load().catch((err: unknown) => {
      loaded = undefined
      throw err
    })
    return (await loaded).generate(seed, options)
  }
}
