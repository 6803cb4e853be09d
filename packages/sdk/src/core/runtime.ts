import type { DevicePlatform } from './devices.js'
import type { KnownModel } from './known-model.js'

/** A model to load: a path or URL the platform can read, or the `.onnx` bytes themselves. */
export type ModelSource = string | URL | Uint8Array

/**
 * What a platform entry (Node: onnxruntime-node + fs; browser: onnxruntime-web + fetch) gives the
 * platform-free core. The core never imports a runtime or touches files itself.
 */
export interface Runtime extends DevicePlatform {
  /** The bytes of a model named by path or URL; `ERR_MODEL_NOT_FOUND` when there are none. */
  readModel(source: string | URL): Promise<Uint8Array>
  /** What the build recorded about a bundled model (known-model.ts), if `source` is one and the platform has the record. */
  knownModel?(source: string | URL): Promise<KnownModel | undefined>
}
