import type { io } from '@tensorflow/tfjs-core'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { writeFileAtomic } from './atomic-write.js'

/** The standard TF.js layers model layout on disk: `model.json` naming its weight shards. */
export const MODEL_JSON = 'model.json'
/** The single weight shard this project writes. */
export const WEIGHTS_BIN = 'weights.bin'

/**
 * A TF.js model on disk could not be read. The message says what was wrong (no tool prefix): each
 * package rethrows it as its own coded error (ExportError, TrainError).
 */
export class LayersModelFilesError extends Error {
  override readonly name = 'LayersModelFilesError'
}

/**
 * Read a TF.js layers model — a `model.json` file, or a directory holding one — with the weight
 * shards its manifest lists (paths relative to it, which must stay inside its folder), into in-memory artifacts that
 * `tf.io.fromMemory()` loads. Graph models and files that are not layers models are rejected.
 */
export async function readLayersModelFiles(path: string): Promise<io.ModelArtifacts> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new LayersModelFilesError(`${path} ${err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code ?? err.message})`}`, {
      cause: err,
    })
  })
  const file = info.isDirectory() ? join(path, MODEL_JSON) : path
  let json: Partial<io.ModelJSON>
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as Partial<io.ModelJSON>
  } catch (err) {
    const message =
      (err as NodeJS.ErrnoException).code === 'ENOENT' && info.isDirectory()
        ? `${path} has no ${MODEL_JSON}`
        : `${file} cannot be read as JSON (${(err as Error).message})`
    throw new LayersModelFilesError(message, { cause: err })
  }
  if (json === null || typeof json !== 'object') throw new LayersModelFilesError(`${file} is not a TF.js model (its JSON is not an object)`)
  if (json.format === 'graph-model') {
    throw new LayersModelFilesError(`${file} is a TF.js graph model; only layers models (tf.LayersModel.save()) are read`)
  }
  if (json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
    throw new LayersModelFilesError(`${file} is not a TF.js layers model: it lacks modelTopology or weightsManifest`)
  }
  const dir = dirname(file)
  const shards = await Promise.all(
    json.weightsManifest
      .flatMap((group) => group.paths)
      .map(async (p) => {
        const shard = typeof p === 'string' ? join(dir, p) : dir
        const inside = relative(resolve(dir), resolve(shard))
        if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
          throw new LayersModelFilesError(
            `weight path ${JSON.stringify(p)} in ${basename(file)} leaves the model's folder ${dir}; list shards by paths inside it, as tf.LayersModel.save() writes them`,
          )
        }
        try {
          const bytes = await readFile(shard)
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
        } catch (err) {
          throw new LayersModelFilesError(`weight file ${shard}, listed in ${basename(file)}, cannot be read: ${(err as Error).message}`, {
            cause: err,
          })
        }
      }),
  )
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: shards.length === 1 ? shards[0]! : shards,
    ...(json.format !== undefined ? { format: json.format } : {}),
    ...(json.generatedBy !== undefined ? { generatedBy: json.generatedBy } : {}),
    ...(json.userDefinedMetadata !== undefined ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  }
}

/**
 * Write artifacts (what `model.save(tf.io.withSaveHandler(…))` receives) as `dir/model.json` +
 * `dir/weights.bin`, each atomically. The weights go first, so a `model.json` on disk always points
 * at complete weights that belong to it.
 */
export async function writeLayersModelFiles(dir: string, artifacts: io.ModelArtifacts): Promise<void> {
  if (artifacts.weightData === undefined || artifacts.weightSpecs === undefined) {
    throw new LayersModelFilesError(`the model to save in ${dir} has no weights`)
  }
  const parts = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData]
  const weights = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    weights.set(new Uint8Array(part), offset)
    offset += part.byteLength
  }
  await writeFileAtomic(join(dir, WEIGHTS_BIN), weights)
  const modelJson = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? null,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
    ...(artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  }
  await writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(modelJson))
}
