import type { RunManifest } from 'gan-sdk/core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { join } from 'node:path'
import { saveLayersModel } from './io/layers-model-io.js'
import { DISCRIMINATOR_DIR, GENERATOR_DIR, writeRunManifest } from './run-manifest.js'

/**
 * Save a run's state in `outDir`: the generator that is exported (the weight average) in
 * `generator/`, the discriminator in `discriminator/`, then `gan.json`. Each file is written
 * atomically, and gan.json last: it never names a step whose checkpoints are not on disk.
 * @throws TrainError `ERR_WRITE` when a file cannot be written.
 */
export async function writeCheckpoint(
  outDir: string,
  models: { generator: tfl.LayersModel; discriminator: tfl.LayersModel },
  manifest: RunManifest,
): Promise<void> {
  await saveLayersModel(models.generator, join(outDir, GENERATOR_DIR))
  await saveLayersModel(models.discriminator, join(outDir, DISCRIMINATOR_DIR))
  await writeRunManifest(outDir, manifest)
}
