import type * as OrtCommon from 'onnxruntime-common'
import type { RunDevice, SessionSettings } from './devices.js'
import { GanError } from './errors.js'
import type { ModelInfo } from './model-info.js'
import type { InferenceSessionLike } from './session.js'

/** The parts of an onnxruntime session the SDK uses. */
export interface OrtSession {
  run(feeds: Record<string, OrtCommon.Tensor>, fetches: string[]): Promise<Record<string, OrtCommon.OnnxValue>>
  release(): Promise<void>
}

/**
 * The parts of an onnxruntime package the SDK uses. onnxruntime-node and onnxruntime-web both
 * re-export them from onnxruntime-common, so each platform entry passes its own `ort` namespace
 * (or a stand-in with the same shape, like the Node entry's worker-thread pool).
 */
export interface Ort {
  InferenceSession: { create(model: Uint8Array, options: OrtCommon.InferenceSession.SessionOptions): Promise<OrtSession> }
  Tensor: typeof OrtCommon.Tensor
}

/** Session options every platform passes to onnxruntime, before its own (execution providers). */
const SESSION_DEFAULTS = {
  graphOptimizationLevel: 'all',
  // Errors only: onnxruntime's graph-cleanup warnings about foreign models are noise to SDK users.
  logSeverityLevel: 3,
} as const satisfies OrtCommon.InferenceSession.SessionOptions

/**
 * The session factory of a platform's {@link Runtime}: one onnxruntime session per loaded model on
 * one device (gan-sdk's device names are onnxruntime's execution provider names), behind the core's
 * {@link InferenceSessionLike}.
 */
export function createOrtSessionFactory(ort: Ort) {
  return async function createOrtSession(
    bytes: Uint8Array,
    model: ModelInfo,
    device: RunDevice,
    settings: SessionSettings,
  ): Promise<InferenceSessionLike> {
    const options: OrtCommon.InferenceSession.SessionOptions = {
      ...SESSION_DEFAULTS,
      ...(settings.threads !== undefined ? { intraOpNumThreads: settings.threads } : {}),
      ...settings.sessionOptions,
      executionProviders: [device],
    }
    let session: OrtSession
    try {
      session = await ort.InferenceSession.create(bytes, options)
    } catch (err) {
      throw new GanError(
        'ERR_MODEL_FORMAT',
        `onnxruntime could not load the model: ${err instanceof Error ? err.message : String(err)}. Re-export it, or check it with onnx.checker.check_model.`,
        { cause: err },
      )
    }
    const { inputName, outputName, latentSize, labelInput } = model.contract
    const trailing = model.inputRank === 4 ? [1, 1] : []
    return {
      async run(latents, batch, labels) {
        const feeds: Record<string, OrtCommon.Tensor> = {
          [inputName]: new ort.Tensor('float32', latents, [batch, latentSize, ...trailing]),
        }
        if (labelInput !== undefined) {
          if (labels === undefined) throw new Error(`the conditional model's label input "${labelInput}" was not fed`)
          feeds[labelInput] = new ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [batch])
        }
        const out = (await session.run(feeds, [outputName]))[outputName]
        if (!(out?.data instanceof Float32Array)) throw new Error(`output "${outputName}" is missing or not float32`)
        return out.data
      },
      release: () => session.release(),
    }
  }
}
