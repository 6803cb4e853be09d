import type { DevicePlatform } from './devices.js'

/** A model to load: a path or URL the platform can read, or the `.onnx` bytes themselves. */
export type ModelSource = string | URL | Uint8Array

/** One inference session over a generator graph. */
export interface InferenceSessionLike {
  /**
   * Run the graph on `batch` latents (`batch × latentSize` floats, row by row) and return the
   * output tensor's floats. `labels` are the class indices of a conditional model, one per row. The returned array must be fresh and is the caller's: the core
   * overwrites it with the RGBA pixels.
   */
  run(latents: Float32Array, batch: number, labels?: Int32Array): Promise<Float32Array>
  release(): Promise<void>
}

/**
 * What a platform entry (Node: onnxruntime-node + fs; browser: onnxruntime-web + fetch) gives the
 * platform-free core. The core never imports a runtime or touches files itself.
 */
export interface Runtime extends DevicePlatform {
  /** The bytes of a model named by path or URL; `ERR_MODEL_NOT_FOUND` when there are none. */
  readModel(source: string | URL): Promise<Uint8Array>
}
