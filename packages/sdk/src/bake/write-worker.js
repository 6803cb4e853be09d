// One writer thread of a bake (bake/encode.ts). For each image: the PNG (fast-png's encode on what
// GeneratedImage.pngInput() prepares) or the bytes sharp encoded, their SHA-256, the cache entry
// `<entryPrefix><sha256>` written atomically, then the output file made a hard link to that entry
// (@gan-sdk/internal's linkFileAtomic; a copy where the file systems differ). So the encoding and
// the file system calls run here, off the thread that runs the model. Plain JavaScript, so that it
// runs as it is from src/ in tests; the build bundles its imports into dist/write-worker.js.
import { createHash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { linkFileAtomic, writeFileAtomic } from '@gan-sdk/internal'
import { encode } from 'fast-png'

/** Files in flight at once: file system calls wait in libuv's threads while the next image encodes. */
const LANES = 16

/**
 * @typedef {{ png?: import('fast-png').ImageData, bytes?: Uint8Array, entryPrefix: string, out: string }} FileToWrite
 * @typedef {{ sha256: string, bytes: number } | { failed: { path: string, code: string } }} Written
 */

/** @param {FileToWrite} file @returns {Promise<Written>} */
async function write(file) {
  const bytes = file.bytes ?? encode(/** @type {import('fast-png').ImageData} */ (file.png))
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const entry = `${file.entryPrefix}${sha256}`
  let path = entry
  try {
    // The cache first: a file in the output is then always one the cache can vouch for.
    await writeFileAtomic(entry, bytes, { fsync: false })
    path = file.out
    await linkFileAtomic(entry, file.out)
    return { sha256, bytes: bytes.byteLength }
  } catch (err) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (err)
    return { failed: { path, code: code ?? message } }
  }
}

parentPort?.postMessage({ ready: true })
parentPort?.on('message', async (/** @type {{ id: number, files: FileToWrite[] }} */ { id, files }) => {
  try {
    /** @type {Written[]} */
    const result = new Array(files.length)
    let next = 0
    const lane = async () => {
      while (next < files.length) {
        const i = next++
        result[i] = await write(/** @type {FileToWrite} */ (files[i]))
      }
    }
    await Promise.all(Array.from({ length: Math.min(LANES, files.length) }, lane))
    parentPort?.postMessage({ id, result })
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
})
