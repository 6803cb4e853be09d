import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LayersModelFilesError, readLayersModelFiles, writeLayersModelFiles } from './layers-model-files.js'

const topology = { class_name: 'Sequential', config: { name: 'm', layers: [] } }
const specs = [
  { name: 'a', shape: [2], dtype: 'float32' as const },
  { name: 'b', shape: [1], dtype: 'float32' as const },
]

async function failure(promise: Promise<unknown>): Promise<LayersModelFilesError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(LayersModelFilesError)
  return err as LayersModelFilesError
}

describe('TF.js layers model files', () => {
  it('write then read round-trips topology, specs and weights, from the directory or its model.json', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-lm-')), 'generator')
    const weights = new Float32Array([1, 2, 3])
    await writeLayersModelFiles(dir, {
      modelTopology: topology,
      weightSpecs: specs,
      weightData: [weights.buffer.slice(0, 8), weights.buffer.slice(8)],
    })
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin'])
    for (const path of [dir, join(dir, 'model.json')]) {
      const read = await readLayersModelFiles(path)
      expect(read.modelTopology).toEqual(topology)
      expect(read.weightSpecs).toEqual(specs)
      expect(Array.from(new Float32Array(read.weightData as ArrayBuffer))).toEqual([1, 2, 3])
    }
  })

  it("keeps a model's user-defined metadata (model.setUserDefinedMetadata), as TF.js's own handlers do", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-lm-')), 'classifier')
    const metadata = { classNames: ['cat', 'dog'] }
    await writeLayersModelFiles(dir, {
      modelTopology: topology,
      weightSpecs: specs,
      weightData: new Float32Array([1, 2, 3]).buffer,
      userDefinedMetadata: metadata,
    })
    expect((await readLayersModelFiles(dir)).userDefinedMetadata).toEqual(metadata)
    await writeLayersModelFiles(dir, { modelTopology: topology, weightSpecs: specs, weightData: new Float32Array([1, 2, 3]).buffer })
    expect(await readLayersModelFiles(dir)).not.toHaveProperty('userDefinedMetadata')
  })

  it('reads several shards in manifest order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-lm-'))
    await writeFile(join(dir, 'a.bin'), new Uint8Array(new Float32Array([1, 2]).buffer))
    await writeFile(join(dir, 'b.bin'), new Uint8Array(new Float32Array([3]).buffer))
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: specs }] }),
    )
    const read = await readLayersModelFiles(dir)
    const parts = read.weightData as ArrayBuffer[]
    expect(parts.map((p) => Array.from(new Float32Array(p)))).toEqual([[1, 2], [3]])
  })

  it('says what is wrong with a missing path, a directory without model.json, bad JSON, a graph model and a missing shard', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-lm-'))
    expect((await failure(readLayersModelFiles(join(dir, 'nope')))).message).toBe(`${join(dir, 'nope')} does not exist`)
    expect((await failure(readLayersModelFiles(dir))).message).toBe(`${dir} has no model.json`)
    await writeFile(join(dir, 'model.json'), '{')
    expect((await failure(readLayersModelFiles(dir))).message).toMatch(/model\.json cannot be read as JSON/)
    await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }))
    expect((await failure(readLayersModelFiles(dir))).message).toMatch(/is a TF\.js graph model/)
    await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: topology }))
    expect((await failure(readLayersModelFiles(dir))).message).toMatch(/lacks modelTopology or weightsManifest/)
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: ['gone.bin'], weights: specs }] }),
    )
    expect((await failure(readLayersModelFiles(dir))).message).toMatch(/^weight file .*gone\.bin, listed in model\.json, cannot be read/)
  })

  it("refuses weight paths that leave the model's folder, even when the file they name exists", async () => {
    const outer = await mkdtemp(join(tmpdir(), 'gan-lm-'))
    const dir = join(outer, 'model')
    await mkdir(dir)
    await writeFile(join(outer, 'secret.bin'), new Uint8Array(12))
    await writeFile(join(dir, 'sub.bin'), new Uint8Array(new Float32Array([1, 2, 3]).buffer))
    for (const p of ['../secret.bin', 'x/../../secret.bin', '.', 7]) {
      await writeFile(
        join(dir, 'model.json'),
        JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: [p], weights: specs }] }),
      )
      expect((await failure(readLayersModelFiles(dir))).message).toMatch(/^weight path .* in model\.json leaves the model's folder/)
    }
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: ['./sub.bin'], weights: specs }] }),
    )
    expect(Array.from(new Float32Array((await readLayersModelFiles(dir)).weightData as ArrayBuffer))).toEqual([1, 2, 3])
  })
})
