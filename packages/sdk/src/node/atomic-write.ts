import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

let writes = 0

/**
 * Write a file so that readers see the old content or the new, never half of it: write a temp file
 * beside it (same directory, so the rename stays on one file system), then rename over the target.
 * Creates missing parent directories.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  // pid + counter: unique across processes and across concurrent writes in this one.
  const tmp = `${path}.${process.pid}-${++writes}.tmp`
  try {
    await writeFile(tmp, data)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
