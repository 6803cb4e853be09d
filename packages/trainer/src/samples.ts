import { seedsToLatents, seedToInteger } from 'gan-sdk/core'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ImageDataset } from './data/dataset.js'
import { writeRunFile } from './io/run-files.js'
import { DCGAN_RANGE } from './models/dcgan.js'
import { renderGrid } from './render-grid.js'
import { LATENT_DISTRIBUTION } from './train-step.js'

/** Where a run keeps its sample grids, relative to the run directory. */
export const SAMPLES_DIR = 'samples'
/** Seeds 0 … 63 make every grid: 8 rows of 8. */
export const SAMPLE_SEEDS: readonly number[] = Array.from({ length: 64 }, (_, i) => i)
/** Tiles per row of a grid. */
export const SAMPLE_COLUMNS = 8

export interface SampleWriter {
  /** Render the grid of the generator's current weights to `samples/step-NNNNNN.png`; resolves to its path. */
  write(step: number): Promise<string>
  /** Free the latents. */
  dispose(): void
}

/**
 * The class the SDK gives seed `seed` of a conditional model with `classes` classes when no label is
 * asked for: seedToInteger(seed) mod classes.
 */
export function sampleLabel(seed: number, classes: number): number {
  return seedToInteger(seed) % classes
}

/**
 * Sample grids of one generator over a run: tile n is the image of seed n, drawn with the SDK's
 * seed contract (and, for a conditional generator, of class {@link sampleLabel}), so after export
 * `gan-sdk generate --seed 0 --count 64` gives the grid's tiles.
 */
export function createSampleWriter(
  generator: tfl.LayersModel,
  run: { outDir: string; latentSize: number; shape: Pick<ImageDataset, 'width' | 'height' | 'channels'>; classes?: number },
): SampleWriter {
  const values = seedsToLatents(SAMPLE_SEEDS, run.latentSize, { distribution: LATENT_DISTRIBUTION })
  const latents = tf.tensor2d(values, [SAMPLE_SEEDS.length, run.latentSize])
  const classes = run.classes ?? 0
  const labels = classes
    ? tf.tensor2d(
        SAMPLE_SEEDS.map((s) => sampleLabel(s, classes)),
        [SAMPLE_SEEDS.length, 1],
        'int32',
      )
    : undefined
  return {
    async write(step) {
      const images = tf.tidy(() => generator.predict(labels ? [latents, labels] : latents) as tf.Tensor)
      let pixels: Float32Array
      try {
        pixels = (await images.data()) as Float32Array
      } finally {
        images.dispose()
      }
      const path = join(run.outDir, SAMPLES_DIR, `step-${String(step).padStart(6, '0')}.png`)
      const png = renderGrid(pixels, SAMPLE_SEEDS.length, run.shape, { cols: SAMPLE_COLUMNS, range: DCGAN_RANGE })
      // No fsync: a grid is a preview, and the next one replaces its role.
      await writeRunFile(path, png, { fsync: false })
      return path
    },
    dispose() {
      tf.dispose([latents, ...(labels ? [labels] : [])])
    },
  }
}

/** Delete the grids of steps after `step` (a resumed run draws them again). */
export async function removeSamplesAfter(outDir: string, step: number): Promise<void> {
  const dir = join(outDir, SAMPLES_DIR)
  const files = await readdir(dir).catch(() => [] as string[])
  const later = files.filter((f) => /^step-\d+\.png$/.test(f) && Number(f.slice(5, -4)) > step)
  await Promise.all(later.map((f) => rm(join(dir, f), { force: true })))
}
