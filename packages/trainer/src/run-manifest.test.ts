import { parseRunManifest, RUN_MANIFEST_FORMAT } from 'gan-sdk/core'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildRunManifest, readRunManifest, writeRunManifest } from './run-manifest.js'

const run = {
  name: undefined,
  license: undefined,
  data: { name: 'squares', license: 'CC0-1.0', width: 8, height: 8, channels: 1 as const },
  labels: [] as string[],
  latentSize: 8,
  batchSize: 4,
  emaDecay: 0.999,
  backend: 'wasm',
  steps: 6,
  elapsedSec: 1.5,
}

describe('run manifest', () => {
  it('records every field, with the name and licence defaulting to the dataset’s, and parses back unchanged', () => {
    const manifest = buildRunManifest(run)
    expect(manifest).toEqual({
      format: RUN_MANIFEST_FORMAT,
      version: 1,
      name: 'squares-dcgan',
      dataset: 'squares',
      license: 'CC0-1.0',
      latentSize: 8,
      latentDistribution: 'normal',
      width: 8,
      height: 8,
      channels: 1,
      range: [-1, 1],
      layout: 'NHWC',
      labels: [],
      generator: 'generator',
      discriminator: 'discriminator',
      steps: 6,
      batchSize: 4,
      emaDecay: 0.999,
      backend: 'wasm',
      elapsedSec: 1.5,
    })
    expect(parseRunManifest(JSON.stringify(manifest))).toEqual(manifest)
    expect(buildRunManifest({ ...run, name: 'mine', license: 'MIT' })).toMatchObject({ name: 'mine', license: 'MIT' })
    // A conditional run's class names, by index: the exporter's gan.labels.
    expect(buildRunManifest({ ...run, labels: ['cat', 'dog'] }).labels).toEqual(['cat', 'dog'])
  })

  it('writes gan.json and reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-manifest-'))
    await writeRunManifest(dir, buildRunManifest(run))
    expect((await readFile(join(dir, 'gan.json'), 'utf8')).startsWith(`{\n  "format": "${RUN_MANIFEST_FORMAT}",\n`)).toBe(true)
    expect(await readRunManifest(dir)).toEqual(buildRunManifest(run))
  })

  it('a missing or invalid gan.json is ERR_RUN_MANIFEST naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-manifest-'))
    const path = join(dir, 'gan.json')
    await expect(readRunManifest(dir)).rejects.toThrow(
      `[gan-train] cannot read ${JSON.stringify(path)} (ENOENT): pass the outDir of a train() run.`,
    )
    await writeFile(path, '{"format": "something-else"}')
    await expect(readRunManifest(dir)).rejects.toThrow(`[gan-train] ${path} is not a gan-sdk run manifest`)
    await writeFile(path, JSON.stringify({ ...buildRunManifest(run), latentSize: 0 }))
    const err = await readRunManifest(dir).catch((e: unknown) => e)
    expect(err).toMatchObject({
      name: 'TrainError',
      code: 'ERR_RUN_MANIFEST',
      message: `[gan-train] ${path}: "latentSize" is 0; expected a positive integer. Fix the manifest.`,
    })
  })
})
