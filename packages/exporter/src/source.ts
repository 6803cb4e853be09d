import type { io } from '@tensorflow/tfjs-core'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ExportError } from './errors.js'
import { parseRunManifest, RUN_MANIFEST_FILE, type RunManifest } from './run-manifest.js'

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
  if (info.isFile()) return { artifacts: await readModelJson(source), run: undefined, origin: source }

  const manifestPath = join(source, RUN_MANIFEST_FILE)
  const manifestText = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw new ExportError('ERR_INPUT', `cannot read ${manifestPath}: ${err.message}`, { cause: err })
  })
  if (manifestText === undefined) {
    const modelJson = join(source, 'model.json')
    if ((await stat(modelJson).catch(() => undefined)) === undefined)
      throw new ExportError('ERR_INPUT', `${source} has neither ${RUN_MANIFEST_FILE} nor model.json. ${EXPECTED}`)
    return { artifacts: await readModelJson(modelJson), run: undefined, origin: source }
  }
  const run = parseRunManifest(manifestText, manifestPath)
  return { artifacts: await readModelJson(join(source, run.generator, 'model.json')), run, origin: source }
}

/** Read a TF.js layers model.json and the weight shards its manifest lists (paths relative to it). */
async function readModelJson(path: string): Promise<io.ModelArtifacts> {
  let json: Partial<io.ModelJSON>
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as Partial<io.ModelJSON>
  } catch (err) {
    throw new ExportError('ERR_INPUT', `cannot read ${path} as JSON: ${(err as Error).message}. ${EXPECTED}`, { cause: err })
  }
  if (json.format === 'graph-model') {
    throw new ExportError('ERR_INPUT', `${path} is a TF.js graph model; only layers models (tf.LayersModel.save()) convert.`)
  }
  if (json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
    throw new ExportError('ERR_INPUT', `${path} is not a TF.js layers model: it lacks modelTopology or weightsManifest.`)
  }
  const dir = dirname(path)
  const shards = await Promise.all(
    json.weightsManifest
      .flatMap((group) => group.paths)
      .map(async (p) => {
        const file = join(dir, p)
        try {
          return await readFile(file)
        } catch (err) {
          throw new ExportError(
            'ERR_INPUT',
            `weight file ${file}, listed in ${basename(path)}, cannot be read: ${(err as Error).message}`,
            { cause: err },
          )
        }
      }),
  )
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0))
  let offset = 0
  for (const shard of shards) {
    weightData.set(shard, offset)
    offset += shard.byteLength
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weightData.buffer,
  }
}
