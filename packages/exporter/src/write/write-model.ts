import { fromBinary } from '@bufbuild/protobuf'
import { writeFileAtomic } from '@gan-sdk/internal'
import { readFile, realpath, stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ModelProtoSchema } from 'onnx-buf'
import { ExportError } from '../errors.js'

/**
 * Refuse an output path before any work is done: one whose parent is a file (ERR_WRITE), a
 * directory (ERR_WRITE), a path inside the input's directory, where it could replace the run's own
 * gan.json, model.json or weights (ERR_INVALID_OPTION), or an existing file that is not an ONNX
 * model (ERR_INVALID_OPTION): replacing a model is what re-exporting does, replacing anything else
 * is a typo that would destroy it.
 */
export async function checkOutPath(out: string, inputDir: string | undefined): Promise<void> {
  const full = resolve(out)
  let existing = full
  let info = await stat(existing).catch(() => undefined)
  while (info === undefined && dirname(existing) !== existing) {
    existing = dirname(existing)
    info = await stat(existing).catch(() => undefined)
  }
  if (info === undefined) return
  if (existing !== full && !info.isDirectory()) {
    throw new ExportError('ERR_WRITE', `cannot write ${out}: ${existing} is a file, not a directory. Choose an output path in a directory.`)
  }
  if (existing === full && info.isDirectory()) {
    throw new ExportError(
      'ERR_WRITE',
      `cannot write ${out}: it is a directory. Name the .onnx file to write, e.g. ${join(out, 'model.onnx')}.`,
    )
  }
  if (inputDir !== undefined) {
    const real = join(await realpath(existing), relative(existing, full))
    const rel = relative(await realpath(inputDir), real)
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) {
      throw new ExportError(
        'ERR_INVALID_OPTION',
        `out ${out} is inside the input ${inputDir}, where it could replace the model's own files (gan.json, model.json, weights). Write the model outside it, e.g. ${basename(inputDir) || 'model'}.onnx beside it.`,
      )
    }
  }
  if (existing === full && !isOnnxModel(await readFile(full))) {
    throw new ExportError(
      'ERR_INVALID_OPTION',
      `out ${out} exists and is not an ONNX model; refusing to replace it. Choose another path, or delete the file first if it may go.`,
    )
  }
}

function isOnnxModel(bytes: Uint8Array): boolean {
  try {
    const model = fromBinary(ModelProtoSchema, bytes)
    return model.irVersion > 0n && model.graph !== undefined
  } catch {
    return false
  }
}

/** Write the model atomically and durably (fsync before the rename); a failure is ERR_WRITE naming the path. */
export async function writeModel(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, bytes, { fsync: true })
  } catch (err) {
    throw new ExportError(
      'ERR_WRITE',
      `cannot write ${path}: ${(err as Error).message}. Check that the directory is writable and that the path is not a directory.`,
      { cause: err },
    )
  }
}
