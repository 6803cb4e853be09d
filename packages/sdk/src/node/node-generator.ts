import * as ort from 'onnxruntime-node'
import { BUNDLED_MODEL_URL } from '../bundled-model.js'
import { createDefaultGenerate } from '../core/default-generator.js'
import { GeneratorBase } from '../core/generator.js'
import type { LoadOptions } from '../core/options.js'
import { createOrtSessionFactory } from '../core/ort-session.js'
import type { ModelSource, Runtime } from '../core/runtime.js'
import { readModelFile } from './read-model.js'

const nodeRuntime: Runtime = { readModel: readModelFile, createSession: createOrtSessionFactory(ort, { executionProviders: ['cpu'] }) }

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

/**
 * One image from the bundled MNIST model. The model is loaded on the first call and shared by all
 * later ones, concurrent first calls included.
 */
export const generate = createDefaultGenerate(() => Generator.load())
