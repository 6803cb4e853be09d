import {
  formatRunManifest,
  isGanError,
  parseRunManifest,
  RUN_MANIFEST_FILE,
  RUN_MANIFEST_FORMAT,
  RUN_MANIFEST_VERSION,
  type RunManifest,
} from 'gan-sdk/core'
import { join } from 'node:path'
import type { ImageDataset } from './data/dataset.js'
import { TrainError } from './errors.js'
import { readRunFile, writeRunFile } from './io/run-files.js'
import { DCGAN_RANGE } from './models/dcgan.js'
import { LATENT_DISTRIBUTION } from './train-step.js'

/** Where a run keeps its generator (the weight average, what is exported), relative to the run directory. */
export const GENERATOR_DIR = 'generator'
/** Where a run keeps its discriminator, relative to the run directory. */
export const DISCRIMINATOR_DIR = 'discriminator'

/** What {@link buildRunManifest} records: the run's settings, its data and how far it got. */
export interface RunManifestInput {
  name: string | undefined
  license: string | undefined
  data: Pick<ImageDataset, 'name' | 'license' | 'width' | 'height' | 'channels'>
  /** Class names of a conditional run (the generator's label input), `[]` otherwise. */
  labels: readonly string[]
  latentSize: number
  batchSize: number
  emaDecay: number
  backend: string
  steps: number
  elapsedSec: number
}

/** The `gan.json` of a run: every field, so the exporter needs nothing else to fill the model contract. */
export function buildRunManifest(run: RunManifestInput): RunManifest {
  return {
    format: RUN_MANIFEST_FORMAT,
    version: RUN_MANIFEST_VERSION,
    name: run.name ?? `${run.data.name}-dcgan`,
    dataset: run.data.name,
    license: run.license ?? run.data.license,
    latentSize: run.latentSize,
    latentDistribution: LATENT_DISTRIBUTION,
    width: run.data.width,
    height: run.data.height,
    channels: run.data.channels,
    range: [...DCGAN_RANGE],
    layout: 'NHWC',
    labels: [...run.labels],
    generator: GENERATOR_DIR,
    discriminator: DISCRIMINATOR_DIR,
    steps: run.steps,
    batchSize: run.batchSize,
    emaDecay: run.emaDecay,
    backend: run.backend,
    elapsedSec: run.elapsedSec,
  }
}

/**
 * Write `dir/gan.json` atomically.
 * @throws TrainError `ERR_WRITE` when it cannot be written.
 */
export async function writeRunManifest(dir: string, manifest: RunManifest): Promise<void> {
  await writeRunFile(join(dir, RUN_MANIFEST_FILE), formatRunManifest(manifest))
}

/**
 * Read and check the `gan.json` of the run in `dir`.
 * @throws TrainError `ERR_RUN_MANIFEST` when it is missing, unreadable or not a valid run manifest.
 */
export async function readRunManifest(dir: string): Promise<RunManifest> {
  const path = join(dir, RUN_MANIFEST_FILE)
  const text = await readRunFile(path, 'ERR_RUN_MANIFEST')
  try {
    return parseRunManifest(text, path)
  } catch (err) {
    if (isGanError(err, 'ERR_RUN_MANIFEST')) throw new TrainError('ERR_RUN_MANIFEST', err.detail, { cause: err })
    throw err
  }
}
