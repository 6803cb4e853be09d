import { io } from '@tensorflow/tfjs-core'
import { ExportError } from '../errors.js'

/** One weight tensor, row-major in TF.js's own layout. */
export interface Weight {
  shape: number[]
  data: Float32Array
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 }
const BYTES_PER_QUANTIZED: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 }

/**
 * The weights of a TF.js model: the manifest entries located in the weight data (its shards joined
 * in order). Tensors are decoded when a layer asks for them, so weights the converter never uses
 * (e.g. optimizer state of another dtype) cannot fail the export.
 */
export class WeightStore {
  readonly #entries = new Map<string, { spec: io.WeightsManifestEntry; offset: number }>()
  readonly #view: DataView

  constructor(specs: readonly io.WeightsManifestEntry[], weightData: io.WeightData) {
    const data = io.CompositeArrayBuffer.join(weightData)
    this.#view = new DataView(data)
    let offset = 0
    for (const spec of specs) {
      const bytes = spec.quantization ? BYTES_PER_QUANTIZED[spec.quantization.dtype] : BYTES_PER_ELEMENT[spec.dtype]
      if (bytes === undefined) {
        throw new ExportError(
          'ERR_UNSUPPORTED_CONFIG',
          `weight ${spec.name} has dtype ${spec.quantization?.dtype ?? spec.dtype}, whose size in the weight file is not fixed; re-save the model with float32 weights.`,
        )
      }
      const size = spec.shape.reduce((a, b) => a * b, 1)
      this.#entries.set(spec.name, { spec, offset })
      offset += size * bytes
    }
    if (offset !== data.byteLength) {
      throw new ExportError(
        'ERR_INPUT',
        `the weight data has ${data.byteLength} bytes but the manifest describes ${offset}; model.json and weights.bin do not belong together. Re-save the model.`,
      )
    }
  }

  /** Number of float32 values in the weights of the named layers (Keras names a layer's weights `<layer>/<weight>`). */
  parameterCount(layers: Iterable<string>): number {
    const prefixes = new Set([...layers].map((name) => `${name}/`))
    let count = 0
    for (const [name, { spec }] of this.#entries) {
      const slash = name.indexOf('/')
      if (spec.dtype === 'float32' && !spec.quantization && prefixes.has(name.slice(0, slash + 1)))
        count += spec.shape.reduce((a, b) => a * b, 1)
    }
    return count
  }

  /** Names of the weights under `prefix` (for error messages). */
  namesUnder(prefix: string): string[] {
    return [...this.#entries.keys()].filter((n) => n.startsWith(prefix))
  }

  /** Decode every float32 weight, so that one holding NaN or ±Infinity fails (ERR_INVALID_WEIGHTS) even if no converter reads it. */
  checkAll(): void {
    for (const [name, { spec }] of this.#entries) if (spec.dtype === 'float32' && !spec.quantization) this.get(name)
  }

  has(name: string): boolean {
    return this.#entries.has(name)
  }

  /**
   * The float32 weight `name`, or undefined when the manifest has none. Throws ERR_INVALID_WEIGHTS
   * when a value is NaN or infinite: such a model cannot make images, with or without verification.
   */
  get(name: string): Weight | undefined {
    const entry = this.#entries.get(name)
    if (entry === undefined) return undefined
    const { spec, offset } = entry
    if (spec.dtype !== 'float32' || spec.quantization) {
      throw new ExportError(
        'ERR_UNSUPPORTED_CONFIG',
        `weight ${name} is ${spec.quantization ? `quantized to ${spec.quantization.dtype}` : spec.dtype}; only float32 weights convert. Re-save the model without quantization.`,
      )
    }
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1))
    // TF.js weight files are little-endian whatever the host is.
    for (let i = 0; i < data.length; i++) data[i] = this.#view.getFloat32(offset + i * 4, true)
    checkFinite(name, data)
    return { shape: [...spec.shape], data }
  }
}

/** Throws ERR_INVALID_WEIGHTS, counting and locating the values, when `data` holds a NaN or an infinity. */
function checkFinite(name: string, data: Float32Array): void {
  let bad = 0
  let first = -1
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      bad++
      if (first < 0) first = i
    }
  }
  if (bad > 0) {
    throw new ExportError(
      'ERR_INVALID_WEIGHTS',
      `weight ${name} holds ${bad} non-finite value${bad === 1 ? '' : 's'} (NaN or ±Infinity, the first ${data[first]} at index ${first} of ${data.length}); the model cannot make valid outputs. Retrain from an earlier checkpoint, or find where training diverged (learning rate, loss scaling).`,
    )
  }
}
