import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { GanError } from '../core/errors.js'

/** Bytes of a model given as a path, a file: URL, or bytes already in memory. */
export async function readModelBytes(source: string | URL | Uint8Array): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new GanError('ERR_INVALID_OPTION', `model must be a path, a file: URL or a Uint8Array of .onnx bytes, got ${source === null ? 'null' : typeof source}.`)
  }
  const path = source instanceof URL ? fileURLToPath(source) : source
  try {
    return new Uint8Array(await readFile(path))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`
    throw new GanError('ERR_MODEL_NOT_FOUND', `model file ${JSON.stringify(path)} ${why}. Pass the path of a .onnx generator.`, { cause: err })
  }
}
