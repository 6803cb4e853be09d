import * as ort from 'onnxruntime-node'
import { GanError } from '../core/errors.js'
import type { ModelInfo } from '../core/model-info.js'
import type { InferenceSessionLike } from '../core/runtime.js'

/** An onnxruntime-node CPU session behind the core's session interface. */
export async function createOrtSession(bytes: Uint8Array, model: ModelInfo): Promise<InferenceSessionLike> {
  let session: ort.InferenceSession
  try {
    // Severity 3 (errors only): ORT's graph-cleanup warnings about foreign models are noise to SDK users.
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 })
  } catch (err) {
    throw new GanError(
      'ERR_MODEL_FORMAT',
      `onnxruntime could not load the model: ${err instanceof Error ? err.message : String(err)}. Re-export it, or check it with onnx.checker.check_model.`,
      { cause: err },
    )
  }
  const { inputName, outputName, latentSize } = model.contract
  const trailing = model.inputRank === 4 ? [1, 1] : []
  return {
    async run(latents, batch) {
      const feeds = { [inputName]: new ort.Tensor('float32', latents, [batch, latentSize, ...trailing]) }
      const out = (await session.run(feeds, [outputName]))[outputName]
      if (!(out?.data instanceof Float32Array)) throw new Error(`output "${outputName}" is missing or not float32`)
      return out.data
    },
    release: () => session.release(),
  }
}
