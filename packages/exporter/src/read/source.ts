import { LayersModelFilesError, MODEL_JSON, readLayersModelFiles } from '@gan-sdk/internal'
import type { io } from '@tensorflow/tfjs-core'
import { isGanError, parseRunManifest, RUN_MANIFEST_FILE, type RunManifest } from 'gan-sdk/core'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ExportError } from '../errors.js'

/** A generator read into memory, with the run manifest that came with it, if any. */
export interface ModelSource {
  artifacts: io.ModelArtifacts
  run: RunManifest | undefined
  /** The input path, or `'<memory>'`. */
  origin: string
}

const EXPECTED =
  'Pass a training run directory (gan.json + generator/model.json), a TF.js model directory (model.json + weights.bin) or a model.json file.'

/**
 * Resolve what `exportOnnx()` was given: in-memory artifacts, a training run directory (gan.json
 * names the generator directory), a TF.js model directory, or a model.json file.
 */
export async function readSource(source: string | io.ModelArtifacts): Promise<ModelSource> {
  if (typeof source !== 'string') {
    if (source === null || typeof source !== 'object') {
      throw new ExportError(
        'ERR_INPUT',
        `the input is ${source === null ? 'null' : typeof source}. ${EXPECTED} Or pass tf.io.ModelArtifacts.`,
      )
    }
    return { artifacts: source, run: undefined, origin: '<memory>' }
  }
  const info = await stat(source).catch(() => undefined)
  if (info === undefined) throw new ExportError('ERR_INPUT', `${source} does not exist. ${EXPECTED}`)
  if (info.isFile()) return { artifacts: await readModel(source), run: undefined, origin: source }

  const manifestPath = join(source, RUN_MANIFEST_FILE)
  const manifestText = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw new ExportError('ERR_INPUT', `cannot read ${manifestPath}: ${err.message}`, { cause: err })
  })
  if (manifestText === undefined) {
    if ((await stat(join(source, MODEL_JSON)).catch(() => undefined)) === undefined)
      throw new ExportError('ERR_INPUT', `${source} has neither ${RUN_MANIFEST_FILE} nor ${MODEL_JSON}. ${EXPECTED}`)
    return { artifacts: await readModel(source), run: undefined, origin: source }
  }
  const run = readRunManifest(manifestText, manifestPath)
  return { artifacts: await readModel(join(source, run.generator)), run, origin: source }
}

/** The shared manifest parser, its errors as the exporter's own (ERR_INPUT). */
function readRunManifest(text: string, path: string): RunManifest {
  try {
    return parseRunManifest(text, path)
  } catch (err) {
    if (!isGanError(err, 'ERR_RUN_MANIFEST')) throw err
    throw new ExportError('ERR_INPUT', err.message.replace(/^\[gan-sdk\] /, ''), { cause: err })
  }
}

/** A TF.js layers model (a model.json file or a directory holding one), its errors as ERR_INPUT. */
async function readModel(path: string): Promise<io.ModelArtifacts> {
  try {
    return await readLayersModelFiles(path)
  } catch (err) {
    if (!(err instanceof LayersModelFilesError)) throw err
    throw new ExportError('ERR_INPUT', `${err.message}. ${EXPECTED}`, { cause: err })
  }
}
