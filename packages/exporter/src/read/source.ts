import { LayersModelFilesError, MODEL_JSON, readLayersModelFiles } from '@gan-sdk/internal'
import type { io } from '@tensorflow/tfjs-core'
import { isGanError, parseRunManifest, RUN_MANIFEST_FILE, runManifestAtStep, type RunManifest } from 'gan-sdk/core'
import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { ExportError } from '../errors.js'
import type { Role } from '../options.js'

/** A model read into memory, with the run manifest that came with it, if any. */
export interface ModelSource {
  artifacts: io.ModelArtifacts
  run: RunManifest | undefined
  /** The input path, or `'<memory>'`. */
  origin: string
  /** The directory the input's files live in (the run, or the model's directory); undefined in memory. */
  dir: string | undefined
}

const EXPECTED =
  'Pass a training run directory (gan.json + generator/model.json), a TF.js model directory (model.json + weights.bin) or a model.json file.'

/** Where a run keeps its discriminator when gan.json does not say. */
const DEFAULT_DISCRIMINATOR = 'discriminator'

/**
 * Resolve what `exportOnnx()` was given: in-memory artifacts, a training run directory (gan.json
 * names the generator and discriminator directories; `role` picks one, `step` an earlier kept
 * checkpoint), a TF.js model directory, or a model.json file.
 */
export async function readSource(source: string | io.ModelArtifacts, role: Role = 'generator', step?: number): Promise<ModelSource> {
  const notARun = (what: string) =>
    new ExportError('ERR_INPUT', `a step picks a checkpoint of a training run directory (gan.json), and ${what}: leave out the step.`)
  if (typeof source !== 'string') {
    if (step !== undefined) throw notARun('the input is in memory')
    if (source === null || typeof source !== 'object') {
      throw new ExportError(
        'ERR_INPUT',
        `the input is ${source === null ? 'null' : typeof source}. ${EXPECTED} Or pass tf.io.ModelArtifacts.`,
      )
    }
    return { artifacts: source, run: undefined, origin: '<memory>', dir: undefined }
  }
  const info = await stat(source).catch(() => undefined)
  if (info === undefined) throw new ExportError('ERR_INPUT', `${source} does not exist. ${EXPECTED}`)
  if (info.isFile()) {
    if (step !== undefined) throw notARun(`${source} is a model file`)
    return { artifacts: await readModel(source), run: undefined, origin: source, dir: dirname(source) }
  }

  const manifestPath = join(source, RUN_MANIFEST_FILE)
  const manifestText = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw new ExportError('ERR_INPUT', `cannot read ${manifestPath}: ${err.message}`, { cause: err })
  })
  if (manifestText === undefined) {
    if ((await stat(join(source, MODEL_JSON)).catch(() => undefined)) === undefined)
      throw new ExportError('ERR_INPUT', `${source} has neither ${RUN_MANIFEST_FILE} nor ${MODEL_JSON}. ${EXPECTED}`)
    if (step !== undefined) throw notARun(`${source} is a model directory`)
    return { artifacts: await readModel(source), run: undefined, origin: source, dir: source }
  }
  const last = readRunManifest(manifestText, manifestPath)
  const run = step === undefined ? last : await atStep(source, last, step)
  const field = role === 'generator' ? 'generator' : 'discriminator'
  if (step !== undefined && run[field] === undefined)
    throw new ExportError(
      'ERR_INPUT',
      `${source}'s gan.json names no ${field} in its checkpoints, so it has none of step ${step}: leave out the step.`,
    )
  const modelDir = await insideRun(source, run[field] ?? DEFAULT_DISCRIMINATOR, field)
  return { artifacts: await readModel(modelDir), run, origin: source, dir: source }
}

/** The run's manifest at its kept checkpoint of `step`, or an error that lists the steps it kept. */
async function atStep(runDir: string, last: RunManifest, step: number): Promise<RunManifest> {
  const folders = await readdir(dirname(dirname(join(runDir, last.generator)))).catch(() => [])
  try {
    return runManifestAtStep(last, step, { where: runDir, folders })
  } catch (err) {
    if (!isGanError(err, 'ERR_INVALID_OPTION')) throw err
    throw new ExportError('ERR_INPUT', err.detail, { cause: err })
  }
}

/**
 * `path` (gan.json's `generator` or `discriminator`) resolved inside the run directory. The manifest
 * parser already refuses `..` and absolute paths; this also refuses a symbolic link out of the run.
 */
async function insideRun(runDir: string, path: string, field: string): Promise<string> {
  const full = join(runDir, path)
  const [root, target] = await Promise.all([realpath(runDir), realpath(full).catch(() => undefined)])
  if (target === undefined) {
    const what = field === 'discriminator' ? 'the run has no discriminator to export' : 'the run has no generator'
    throw new ExportError('ERR_INPUT', `${full} (gan.json "${field}") does not exist: ${what}. ${EXPECTED}`)
  }
  const rel = relative(root, target)
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ExportError(
      'ERR_INPUT',
      `gan.json's "${field}" (${JSON.stringify(path)}) leads outside the run directory, to ${target} (a symbolic link); a run must hold its own models. Copy the model into the run, or export its directory directly.`,
    )
  }
  return full
}

/** The shared manifest parser, its errors as the exporter's own (ERR_INPUT). */
function readRunManifest(text: string, path: string): RunManifest {
  try {
    return parseRunManifest(text, path)
  } catch (err) {
    if (!isGanError(err, 'ERR_RUN_MANIFEST')) throw err
    throw new ExportError('ERR_INPUT', err.detail, { cause: err })
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
