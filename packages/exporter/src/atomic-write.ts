import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ExportError } from './errors.js'

/**
 * Write `data` to `path` so that readers see the old file or the complete new one, never a part:
 * write a temp file beside it (same filesystem), flush it to disk, then rename over `path`.
 * Parent directories are created; on failure the temp file is removed and `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await mkdir(dir, { recursive: true })
    const file = await open(tmp, 'wx')
    try {
      await file.writeFile(data)
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw new ExportError(
      'ERR_WRITE',
      `cannot write ${path}: ${(err as Error).message}. Check that the directory is writable and that the path is not a directory.`,
      { cause: err },
    )
  }
}
