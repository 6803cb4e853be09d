/** Stable codes of trainer errors. Match on `err.code`, never on the message text. */
export const TRAIN_ERROR_CODES = [
  /** An option (or a CLI flag) has a wrong type or value. */
  'ERR_INVALID_OPTION',
  /** A dataset is unusable: a missing folder, fewer than two usable images, unsuitable classes, or in-memory fields that disagree. */
  'ERR_DATASET',
  /** No TF.js backend could start, or the wasm backend lacks what the trainer's kernels need. */
  'ERR_BACKEND',
  /** A checkpoint (TF.js `model.json` + weights) cannot be read or was not kept (`evaluate`'s `step`), or a model has no weights to save. */
  'ERR_CHECKPOINT',
  /** A run's `gan.json` is missing, unreadable, or not a valid run manifest. */
  'ERR_RUN_MANIFEST',
  /** A run's `config.json` is missing, unreadable, or not a gan-train config of this version. */
  'ERR_RUN_CONFIG',
  /** A file of the run (checkpoint, sample grid, metrics, gan.json) could not be written. */
  'ERR_WRITE',
  /** The output directory already holds files and neither resume nor force was asked for. */
  'ERR_RUN_EXISTS',
  /** A run cannot be resumed: no run, no resumable checkpoint, or options that would change it. */
  'ERR_RESUME',
  /** A data-parallel training worker (option `workers`) failed or exited; `cause` holds its error. */
  'ERR_WORKER',
] as const

export type TrainErrorCode = (typeof TRAIN_ERROR_CODES)[number]

/** The one error class of the trainer. Messages start with `[gan-train]`, quote the bad value and say the fix. */
export class TrainError extends Error {
  override readonly name = 'TrainError'
  readonly code: TrainErrorCode

  constructor(code: TrainErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[gan-train] ${message}`, options)
    this.code = code
  }
}

/** True when `err` is a TrainError, optionally with the given code. */
export function isTrainError(err: unknown, code?: TrainErrorCode): err is TrainError {
  return err instanceof TrainError && (code === undefined || err.code === code)
}
