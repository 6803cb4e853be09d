import { GeneratorBase } from './core/generator.js'
import type { GeneratedImage } from './core/image.js'
import { readModelInfo } from './core/model-info.js'
import { resolveLoadOptions, type LoadOptions } from './core/options.js'
import type { Seed } from './core/seed.js'
import { BUNDLED_MODEL_URL } from './bundled-model.js'
import { createOrtSession } from './node/ort-session.js'
import { readModelBytes } from './node/read-model.js'

export type { ModelContract, LatentDistribution, Layout } from './core/contract.js'
export { GanError, isGanError, ERROR_CODES, type GanErrorCode } from './core/errors.js'
export { GeneratedImage } from './core/image.js'
export type { LoadOptions } from './core/options.js'
export { resolveLoadOptions } from './core/options.js'
export { seedToLatent, seedToInteger, hashString, type Seed } from './core/seed.js'
export { BUNDLED_MODEL_URL } from './bundled-model.js'

/** A model to load: a path, a file: URL, or the .onnx bytes. */
export type ModelSource = string | URL | Uint8Array

/** A GAN generator running on onnxruntime-node (CPU). */
export class Generator extends GeneratorBase {
  /**
   * Load a generator. With no `model`, the bundled MNIST digits model.
   * @example const g = await Generator.load('my-gan.onnx', { range: [0, 1] })
   */
  static async load(model: ModelSource = BUNDLED_MODEL_URL, options: LoadOptions = {}): Promise<Generator> {
    const resolved = resolveLoadOptions(options)
    const bytes = await readModelBytes(model)
    const info = readModelInfo(bytes, resolved)
    return new Generator(await createOrtSession(bytes, info), info)
  }
}

let defaultGenerator: Promise<Generator> | undefined

/** One image from the bundled MNIST model, loaded once on first use. */
export async function generate(seed: Seed): Promise<GeneratedImage> {
  defaultGenerator ??= Generator.load().catch((err: unknown) => {
    defaultGenerator = undefined // let a later call retry
    throw err
  })
  return (await defaultGenerator).generate(seed)
}
