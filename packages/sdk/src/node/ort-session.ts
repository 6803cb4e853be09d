import * as ort from 'onnxruntime-node'
import { GanError } from '../core/errors.js'
import type { ModelInfo } from '../core/model-info.js'
import type { InferenceSessionLike } from '../core/runtime.js'

/** An onnxruntime-node CPU session behind the core's session interface. */
export async function createOrtSession(bytes: Uint8Array, info: ModelInfo): Promise<InferenceSessionLike> {
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' })
  } catch (err) {
    throw new GanError('ERR_MODEL_FORMAT', `onnxruntime could not load the model: ${err instanceof Error ? err.message : String(err)}. Re-export it, or check it with onnx.checker.`, { cause: err })
  }
  const tail = info.inputRank === 4 ? [1, 1] : []
  return {
    async run(latents, batch) {
      const feeds = { [info.inputName]: new ort.Tensor('float32', latents, [batch, info.latentSize, ...tail]) }
      const results = await session.run(feeds, [info.outputName])
      const out = results[info.outputName]
      if (out === undefined || !(out.data instanceof Float32Array)) {
        throw new Error(`output "${info.outputName}" is missing or not float32`)
      }
      return out.data
    },
    release: () => session.release(),
  }
}
