import { writeFileAtomic, type WriteFileAtomicOptions } from '@gan-sdk/internal'
import { appendFile, readFile } from 'node:fs/promises'
import { TrainError, type TrainErrorCode } from '../errors.js'

/**
 * Read one text file of a run.
 * @throws TrainError with `code` naming the path and the fs error's code (the fs error as `cause`), when it cannot be read.
 */
export async function readRunFile(path: string, code: TrainErrorCode): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message
    throw new TrainError(code, `cannot read ${JSON.stringify(path)} (${why}): pass the outDir of a train() run.`, { cause: err })
  }
}

/**
 * Write one file of a run atomically (parent directories are created).
 * @throws TrainError `ERR_WRITE` naming the path, when it cannot be written.
 */
export async function writeRunFile(path: string, data: string | Uint8Array, options?: WriteFileAtomicOptions): Promise<void> {
  try {
    await writeFileAtomic(path, data, options)
  } catch (err) {
    throw writeError(path, err)
  }
}

/**
 * Append text to a file of a run (a log that grows during training).
 * @throws TrainError `ERR_WRITE` naming the path, when it cannot be written.
 */
export async function appendRunFile(path: string, text: string): Promise<void> {
  try {
    await appendFile(path, text)
  } catch (err) {
    throw writeError(path, err)
  }
}

/** The `ERR_WRITE` error for a file system failure on `path`. */
export function writeError(path: string, err: unknown): TrainError {
  const code = (err as NodeJS.ErrnoException).code
  return new TrainError(
    'ERR_WRITE',
    `cannot write ${JSON.stringify(path)} (${code ?? (err as Error).message}): pass an outDir (--out) you can write to, not a file or a path under one.`,
    { cause: err },
  )
}
