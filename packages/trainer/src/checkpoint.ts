import { writeFileAtomic } from '@gan-sdk/internal'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { checkpointStep, RUN_MANIFEST_FILE, runManifestAtStep, type RunManifest } from 'gan-sdk/core'
import { open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { TrainError } from './errors.js'
import { loadLayersModel, saveLayersModel } from './io/layers-model-io.js'
import { writeError } from './io/run-files.js'
import type { LecamAnchors } from './lecam.js'
import { optimizerState, restoreOptimizerState } from './optimizer-state.js'
import { DISCRIMINATOR_DIR, GENERATOR_DIR, readRunManifest, writeRunManifest } from './run-manifest.js'

/** Where a run keeps its checkpoints, relative to the run directory: one `step-NNNNNN/` folder each. */
export const CHECKPOINTS_DIR = 'checkpoints'
/** In a checkpoint: the generator being trained (`generator/` holds its weight average, which is exported). */
export const LIVE_GENERATOR_DIR = 'generator-live'
const STATE_FILE = 'state.json'
const OPTIMIZERS_FILE = 'optimizers.bin'

/** Everything a run needs to continue exactly. */
export interface TrainingState {
  /** The generator that is exported: the weight average. */
  generator: tfl.LayersModel
  /** The generator being trained. */
  liveGenerator: tfl.LayersModel
  discriminator: tfl.LayersModel
  generatorOptimizer: tf.AdamOptimizer
  discriminatorOptimizer: tf.AdamOptimizer
}

/** Where a run stands: its step, its training time, and the LeCam anchors after that step (runs with LeCam). */
export interface TrainingProgress {
  step: number
  elapsedSec: number
  lecamAnchors?: LecamAnchors
}

/** What state.json records besides the tensors. */
interface StateFile extends TrainingProgress {
  /** How optimizers.bin holds the optimizers' tensors. */
  optimizers: tf.io.WeightsManifestEntry[]
}

/**
 * Save a checkpoint of `step` in `outDir/checkpoints/step-NNNNNN/` and point gan.json at it. The
 * folder is written under a temporary name and renamed when complete; gan.json, rewritten
 * atomically after that, is the commit: a process killed at any moment leaves gan.json naming a
 * complete checkpoint (the previous one, or this one). Afterwards the checkpoints older than the
 * newest `keep` (0: none) are deleted.
 * @throws TrainError `ERR_WRITE` when a file cannot be written.
 */
export async function writeCheckpoint(
  outDir: string,
  state: TrainingState,
  manifest: RunManifest,
  progress: TrainingProgress,
  keep: number,
): Promise<void> {
  const root = join(outDir, CHECKPOINTS_DIR)
  const name = `step-${String(progress.step).padStart(6, '0')}`
  const temp = join(root, `.${name}.tmp-${process.pid}`)
  await rm(temp, { recursive: true, force: true })
  await saveLayersModel(state.generator, join(temp, GENERATOR_DIR))
  await saveLayersModel(state.liveGenerator, join(temp, LIVE_GENERATOR_DIR))
  await saveLayersModel(state.discriminator, join(temp, DISCRIMINATOR_DIR))
  const tensors = {
    ...optimizerState(state.generatorOptimizer, 'generator'),
    ...optimizerState(state.discriminatorOptimizer, 'discriminator'),
  }
  const { data, specs } = await tf.io.encodeWeights(tensors)
  for (const [key, tensor] of Object.entries(tensors)) if (key.endsWith('/iterations')) tensor.dispose()
  const stateFile: StateFile = { ...progress, optimizers: specs }
  await write(join(temp, OPTIMIZERS_FILE), new Uint8Array(data as ArrayBuffer))
  await write(join(temp, STATE_FILE), `${JSON.stringify(stateFile, null, 2)}\n`)
  const final = join(root, name)
  try {
    // A folder of this name is never the committed one (that has an earlier step): a killed run's leftover.
    await rm(final, { recursive: true, force: true })
    await rename(temp, final)
    await syncDirectory(root)
  } catch (err) {
    throw writeError(final, err)
  }
  await writeRunManifest(outDir, {
    ...manifest,
    generator: `${CHECKPOINTS_DIR}/${name}/${GENERATOR_DIR}`,
    discriminator: `${CHECKPOINTS_DIR}/${name}/${DISCRIMINATOR_DIR}`,
  })
  await pruneCheckpoints(root, keep)
}

/** A checkpoint read back for resuming: the models, optimizer state applied to fresh optimizers by the caller, and the progress. */
export interface LoadedCheckpoint extends TrainingProgress {
  generator: tfl.LayersModel
  liveGenerator: tfl.LayersModel
  discriminator: tfl.LayersModel
  /** Restore both optimizers' state; `variables` are the trainable weights each optimizer updates, in order. */
  restoreOptimizers(
    generator: { optimizer: tf.AdamOptimizer; variables: readonly tf.Variable[] },
    discriminator: { optimizer: tf.AdamOptimizer; variables: readonly tf.Variable[] },
  ): void
  /** Free the decoded optimizer tensors (the models belong to the caller). */
  dispose(): void
}

/**
 * Read the checkpoint that the run in `outDir`'s gan.json names, or its kept checkpoint of `step`
 * (the caller has checked that the run keeps it: warm-start.ts).
 * @throws TrainError `ERR_RESUME` when the run has no resumable checkpoint; `ERR_CHECKPOINT` or
 *   `ERR_RUN_MANIFEST` when its files are broken.
 */
export async function readCheckpoint(outDir: string, step?: number): Promise<LoadedCheckpoint> {
  const last = await readRunManifest(outDir)
  const manifest = step === undefined || step === last.steps ? last : runManifestAtStep(last, step)
  const dir = dirname(join(outDir, manifest.generator))
  let stateFile: StateFile
  let data: Uint8Array
  try {
    stateFile = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as StateFile
    data = await readFile(join(dir, OPTIMIZERS_FILE))
  } catch (err) {
    throw new TrainError(
      'ERR_RESUME',
      `${JSON.stringify(outDir)} has no resumable checkpoint (${(err as Error).message}): its ${RUN_MANIFEST_FILE} names ${manifest.generator}, which lacks the training state; start a new run.`,
      { cause: err },
    )
  }
  // Decoded when restored: a warm start (warm-start.ts) reads the models and never the optimizers.
  let tensors: tf.NamedTensorMap | undefined
  const optimizerTensors = () =>
    (tensors ??= tf.io.decodeWeights(
      data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
      stateFile.optimizers,
    ))
  const generator = await loadLayersModel(join(outDir, manifest.generator))
  const liveGenerator = await loadLayersModel(join(dir, LIVE_GENERATOR_DIR))
  const discriminator = await loadLayersModel(manifest.discriminator ? join(outDir, manifest.discriminator) : join(dir, DISCRIMINATOR_DIR))
  return {
    generator,
    liveGenerator,
    discriminator,
    step: stateFile.step,
    elapsedSec: stateFile.elapsedSec,
    ...(stateFile.lecamAnchors ? { lecamAnchors: stateFile.lecamAnchors } : {}),
    restoreOptimizers(g, d) {
      restoreOptimizerState(g.optimizer, 'generator', optimizerTensors(), g.variables)
      restoreOptimizerState(d.optimizer, 'discriminator', optimizerTensors(), d.variables)
    },
    dispose: () => tf.dispose(Object.values(tensors ?? {})),
  }
}

async function write(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, data)
  } catch (err) {
    throw writeError(path, err)
  }
}

/** Make a rename in `dir` durable (a power cut after it keeps it). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * After a checkpoint is committed, delete the folders in `root` that are not among the newest
 * `keep` checkpoints (0 keeps them all), and temporary ones that killed runs left. (A resumed run
 * has already removed those of later steps: removeCheckpointsAfter.)
 */
async function pruneCheckpoints(root: string, keep: number): Promise<void> {
  const entries = await readdir(root)
  const kept = entries
    .filter((e) => checkpointStep(e) !== undefined)
    .sort((a, b) => checkpointStep(b)! - checkpointStep(a)!)
    .slice(0, keep === 0 ? undefined : keep)
  await Promise.all(entries.filter((e) => !kept.includes(e)).map((e) => rm(join(root, e), { recursive: true, force: true })))
}

/**
 * When a run resumes from `step`: delete the checkpoint folders of later steps, which a killed run
 * left uncommitted and the resumed run retraces (perhaps on another schedule), and temporary ones.
 */
export async function removeCheckpointsAfter(outDir: string, step: number): Promise<void> {
  const root = join(outDir, CHECKPOINTS_DIR)
  const entries = await readdir(root).catch(() => [] as string[])
  const later = entries.filter((e) => (checkpointStep(e) ?? Number.POSITIVE_INFINITY) > step)
  await Promise.all(later.map((e) => rm(join(root, e), { recursive: true, force: true })))
}
