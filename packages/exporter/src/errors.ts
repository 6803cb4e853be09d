/** Stable codes of exporter errors; match on `err.code`. */
export type ExportErrorCode =
  /** The input is not a readable TF.js layers model or run directory. */
  | 'ERR_EXPORT_INPUT'
  /** A layer class has no ONNX conversion. */
  | 'ERR_UNSUPPORTED_LAYER'
  /** A supported layer uses a configuration the converter does not handle. */
  | 'ERR_UNSUPPORTED_CONFIG'
  /** ONNX output differs from TF.js beyond the tolerance. */
  | 'ERR_PARITY'
  /** An option has a wrong type or value. */
  | 'ERR_INVALID_OPTION'

export class ExportError extends Error {
  override readonly name = 'ExportError'
  readonly code: ExportErrorCode

  constructor(code: ExportErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[gan-export] ${message}`, options)
    this.code = code
  }
}
