/** Stable error codes. Match on `err.code`, never on the message text. */
export const ERROR_CODES = [
  /** The seed is not a safe non-negative integer or a string. */
  'ERR_INVALID_SEED',
  /** An option has a wrong type or value. */
  'ERR_INVALID_OPTION',
  /** A label is not one of the model's classes, or was given to an unconditional model. */
  'ERR_INVALID_LABEL',
  /** The model file does not exist or cannot be read. */
  'ERR_MODEL_NOT_FOUND',
  /** The bytes are not a parsable ONNX model. */
  'ERR_MODEL_FORMAT',
  /** The model's weights do not match the checksum it declares (`gan.weights_sha256`): the file is corrupted. */
  'ERR_MODEL_CORRUPT',
  /** The model parses but is not an image generator the SDK can drive (inputs/outputs/shapes). */
  'ERR_NOT_A_GENERATOR',
  /** The model's `gan.*` metadata is present but invalid or from a newer contract. */
  'ERR_MODEL_CONTRACT',
  /** A training run's manifest (`gan.json`) is not valid JSON, not a run manifest, or has a field of the wrong type. */
  'ERR_RUN_MANIFEST',
  /** The requested device (execution provider) cannot run here, and fallback was turned off. */
  'ERR_DEVICE_UNAVAILABLE',
  /** The runtime failed while running the model. */
  'ERR_INFERENCE',
  /** An output file could not be written (a directory that is a file, no permission, a full disk). */
  'ERR_WRITE',
  /** The generator was used after `dispose()`. */
  'ERR_DISPOSED',
  /** An optional peer dependency a feature needs is not installed (sharp, for WebP/AVIF and resizing). */
  'ERR_MISSING_DEPENDENCY',
  /** The JavaScript engine lacks something gan-sdk needs (WebAssembly SIMD). */
  'ERR_UNSUPPORTED_RUNTIME',
] as const

export type GanErrorCode = (typeof ERROR_CODES)[number]

/** The one error class of gan-sdk. Messages start with `[gan-sdk]`, quote the bad value and say the fix. */
export class GanError extends Error {
  override readonly name = 'GanError'
  readonly code: GanErrorCode
  /** The message without its `[gan-sdk]` prefix: for a caller that says the same in its own error. */
  readonly detail: string

  constructor(code: GanErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[gan-sdk] ${message}`, options)
    this.code = code
    this.detail = message
  }
}

/** True when `err` is a GanError, optionally with the given code. */
export function isGanError(err: unknown, code?: GanErrorCode): err is GanError {
  return err instanceof GanError && (code === undefined || err.code === code)
}
