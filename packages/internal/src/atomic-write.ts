import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

export interface WriteFileAtomicOptions {
  /**
   * Flush the data to disk before the rename, so a power cut cannot leave an empty file where the
   * old one was. Costs a disk round trip per file: worth it for models and checkpoints, not for
   * thousands of small images. @default true
   */
  fsync?: boolean
}

/** Writes started by this process: with the pid, a temp name no other write shares. */
let writes = 0

/**
 * Write a file so that readers see the old content or the complete new one, never a part: write a
 * temp file beside it (same directory, so the rename stays on one file system), then rename it over
 * `path`. Parent directories are created. On failure the temp file is removed, `path` is untouched,
 * and the original error is thrown (never one from the clean-up).
 *
 * Temp files are named `<path>.<pid>-<n>.tmp`: unique across processes and across concurrent writes
 * in one process, and recognisable, so a tool can remove the ones a killed process left behind.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const { fsync = true } = options
  const tmp = `${path}.${process.pid}-${++writes}.tmp`
  try {
    await mkdir(dirname(path), { recursive: true })
    const file = await open(tmp, 'wx')
    try {
      await file.writeFile(data)
      if (fsync) await file.sync()
    } finally {
      await file.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {})
    throw err
  }
}
