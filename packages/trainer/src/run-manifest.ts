import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './io/atomic-write.js'

/**
 * `gan.json`: what a training run produced, read by the exporter to fill the model contract.
 * Paths are relative to the run directory.
 */
export interface RunManifest {
  format: 'gan-sdk-run'
  version: 1
  name: string
  dataset: string
  license: string
  latentSize: number
  latentDistribution: 'normal'
  width: number
  height: number
  channels: 1 | 3 | 4
  range: [number, number]
  layout: 'NHWC'
  labels: string[]
  generator: string
  discriminator: string
  steps: number
  batchSize: number
  /** Decay of the generator weight average that `generator` holds (0: raw weights). */
  emaDecay: number
  backend: string
  elapsedSec: number
}

export const RUN_MANIFEST_FILE = 'gan.json'

export async function writeRunManifest(dir: string, manifest: RunManifest): Promise<void> {
  await writeFileAtomic(join(dir, RUN_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
}

export async function readRunManifest(dir: string): Promise<RunManifest> {
  const raw = JSON.parse(await readFile(join(dir, RUN_MANIFEST_FILE), 'utf8')) as RunManifest
  if (raw.format !== 'gan-sdk-run') {
    throw new Error(`[gan-train] ${join(dir, RUN_MANIFEST_FILE)} is not a gan-sdk run manifest (format=${JSON.stringify(raw.format)}).`)
  }
  return raw
}
