// One writer thread of a bake (bake/encode.ts). For each image: the PNG (fast-png's encode on what
// GeneratedImage.pngInput() prepares) or the bytes sharp encoded, their SHA-256, the cache entry
// `<entryPrefix><sha256>` stored once (an identical entry a concurrent bake stored stays), then the
// output file made a hard link to that entry (a copy where the file systems differ). So the
// encoding and the file system calls run here, off the thread that runs the model, and
// synchronously: in a thread that serves nothing else they cost a fifth of the CPU time of
// promise-based calls. Plain JavaScript, so that it runs as it is from src/ in tests; the build
// bundles its imports into dist/write-worker.js.
import { createHash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { linkFileAtomicSync, writeFileOnceSync } from '@gan-sdk/internal'
import { encode } from 'fast-png'

/**
 * @typedef {{ png?: import('fast-png').ImageData, bytes?: Uint8Array, entryPrefix: string, out: string }} FileToWrite
 * @typedef {{ sha256: string, bytes: number } | { failed: { path: string, code: string } }} Written
 */

/** @param {FileToWrite} file @returns {Written} */
function write(file) {
  const bytes = file.bytes ?? encode(/** @type {import('fast-png').ImageData} */ (file.png))
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const entry = `${file.entryPrefix}${sha256}`
  let path = entry
  try {
    // The cache first: a file in the output is then always one the cache can vouch for. An entry
    // that another bake stored meanwhile has these bytes (its name is their hash) and stays.
    writeFileOnceSync(entry, bytes)
    path = file.out
    linkFileAtomicSync(entry, file.out)
    return { sha256, bytes: bytes.byteLength }
  } catch (err) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (err)
    return { failed: { path, code: code ?? message } }
  }
}

parentPort?.postMessage({ ready: true })
parentPort?.on('message', (/** @type {{ id: number, files: FileToWrite[] }} */ { id, files }) => {
  try {
    parentPort?.postMessage({ id, result: files.map(write) })
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
})
