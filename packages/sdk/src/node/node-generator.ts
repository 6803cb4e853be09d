import { BUNDLED_MODEL_URL } from '../bundled-model.js'
import { GeneratorBase } from '../core/generator.js'
import type { GeneratedImage } from '../core/image.js'
import type { LoadOptions } from '../core/options.js'
import type { ModelSource, Runtime } from '../core/runtime.js'
import type { Seed } from '../core/seed.js'
import { createOrtSession } from './ort-session.js'
import { readModelFile } from './read-model.js'

const nodeRuntime: Runtime = { readModel: readModelFile, createSession: createOrtSession }

/** A GAN generator running on onnxruntime-node (CPU). */
export class Generator extends GeneratorBase {
  /**
   * Load a generator: a `.onnx` path, file: URL or bytes; with no model, the bundled MNIST digits.
   * @example const g = await Generator.load('pytorch-dcgan.onnx', { range: [0, 1] })
   */
  static async load(model: ModelSource = BUNDLED_MODEL_URL, options: LoadOptions = {}): Promise<Generator> {
    return new Generator(await GeneratorBase.open(nodeRuntime, model, options))
  }
}

let bundled: Promise<Generator> | undefined

/**
 * One image from the bundled MNIST model. The model is loaded on the first call and shared by all
 * later ones, concurrent first calls included.
 */
export async function generate(seed: Seed): Promise<GeneratedImage> {
  bundled ??= Generator.load().catch((err: unknown) => {
    bundled = undefined // a failed load (e.g. a missing file) is retried by the next call
    throw err
  })
  return (await bundled).generate(seed)
}
