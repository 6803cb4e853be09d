/** Stable codes of exporter errors. Match on `err.code`, never on the message text. */
export const EXPORT_ERROR_CODES = [
  /** The input is missing, unreadable, or not a TF.js layers model / training run directory. */
  'ERR_INPUT',
  /** The model is not a single chain from one input to one output (branches, shared layers, nesting). */
  'ERR_UNSUPPORTED_TOPOLOGY',
  /** A layer class has no ONNX conversion. */
  'ERR_UNSUPPORTED_LAYER',
  /** A supported layer uses a configuration the converter does not handle (e.g. channels_first, dilation). */
  'ERR_UNSUPPORTED_CONFIG',
  /** A weight holds NaN or ±Infinity, or values that make the converted weights so (a batch-norm variance below −epsilon, a zero spectral norm, beyond float16's range). */
  'ERR_INVALID_WEIGHTS',
  /** The model contract cannot be completed, or gan.json contradicts the model. */
  'ERR_CONTRACT',
  /** ONNX Runtime output differs from TF.js beyond the tolerance. */
  'ERR_PARITY',
  /** Verification could not run: ONNX Runtime rejected the converted model, or TF.js could not run the original. */
  'ERR_VERIFY',
  /** The tf2onnx engine cannot run: its tools are not installed, or one of them failed. */
  'ERR_ENGINE',
  /** The output file could not be written. */
  'ERR_WRITE',
  /** An option has a wrong type or value. */
  'ERR_INVALID_OPTION',
] as const

export type ExportErrorCode = (typeof EXPORT_ERROR_CODES)[number]

/** The one error class of the exporter. Messages start with `[gan-export]`, say what was wrong and how to fix it. */
export class ExportError extends Error {
  override readonly name: string = 'ExportError'
  readonly code: ExportErrorCode

  constructor(code: ExportErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[gan-export] ${message}`, options)
    this.code = code
  }
}

/** `ERR_PARITY`, with the measurement that failed so callers need not parse the message. */
export class ParityError extends ExportError {
  override readonly name = 'ParityError'
  /** Largest |ONNX − TF.js| over the verification latents: `NaN` when an output is not finite, `Infinity` when the shapes differ. */
  readonly maxAbsDiff: number
  readonly tolerance: number

  /**
   * `reason` replaces the measurement in the message when the outputs cannot be compared value by
   * value; `fix` replaces the default advice (report a converter bug, or loosen the check).
   */
  constructor(maxAbsDiff: number, tolerance: number, reason?: string, fix?: string) {
    super(
      'ERR_PARITY',
      `${reason ?? `ONNX Runtime output differs from TF.js predict by up to ${maxAbsDiff} (tolerance ${tolerance})`}; nothing was written. ` +
        (fix ??
          'This is a converter bug for this model: please report it with model.json. To export anyway, raise the tolerance or turn verification off.'),
    )
    this.maxAbsDiff = maxAbsDiff
    this.tolerance = tolerance
  }
}

/** True when `err` is an ExportError, optionally with the given code. */
export function isExportError(err: unknown, code?: ExportErrorCode): err is ExportError {
  return err instanceof ExportError && (code === undefined || err.code === code)
}
