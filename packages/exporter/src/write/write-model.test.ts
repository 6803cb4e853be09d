import { writeLayersModelFiles } from '@gan-sdk/internal'
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, dcgan, writeRunDir } from '../testing/fixtures.js'

const tempDir = () => mkdtemp(join(tmpdir(), 'gan-export-out-'))

describe('where the model may be written', () => {
  it('under a file: ERR_WRITE saying which path is a file (not a raw ENOTDIR)', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'notes'), 'keep')
    const out = join(dir, 'notes', 'sub', 'model.onnx')
    await expect(exportOnnx(await artifactsOf(dcgan({ latent: 4 })), { out, verify: false })).rejects.toMatchObject({
      code: 'ERR_WRITE',
      message: `[gan-export] cannot write ${out}: ${join(dir, 'notes')} is a file, not a directory. Choose an output path in a directory.`,
    })
    expect(await readdir(dir)).toEqual(['notes'])
  })

  it('inside the input: refused (ERR_INVALID_OPTION), the run’s gan.json and model files untouched', async () => {
    const dir = await tempDir()
    const run = join(dir, 'run')
    await writeRunDir(run, await artifactsOf(dcgan({ latent: 4 })), { name: 'r' })
    const manifest = await readFile(join(run, 'gan.json'), 'utf8')
    for (const out of [
      join(run, 'gan.json'),
      join(run, 'model.onnx'),
      join(run, 'generator', 'model.json'),
      join(run, 'x', '..', 'gan.json'),
    ]) {
      await expect(exportOnnx(run, { out, verify: false })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringMatching(
          /is inside the input .*run, where it could replace the model's own files .* Write the model outside it, e\.g\. run\.onnx beside it\./,
        ),
      })
    }
    await expect(exportOnnx(join(run, 'generator'), { out: join(run, 'generator', 'weights.bin'), verify: false })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    })
    // A link from elsewhere into the run is the run too.
    await symlink(run, join(dir, 'alias'))
    await expect(exportOnnx(run, { out: join(dir, 'alias', 'm.onnx'), verify: false })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    })
    expect(await readFile(join(run, 'gan.json'), 'utf8')).toBe(manifest)
    expect(await readdir(run)).toEqual(['gan.json', 'generator'])
    await expect(exportOnnx(run, { out: join(dir, 'run.onnx'), verify: false })).resolves.toMatchObject({ outPath: join(dir, 'run.onnx') })
  })

  it('over an existing file that is not an ONNX model: refused; over a model: replaced', async () => {
    const dir = await tempDir()
    const artifacts = await artifactsOf(dcgan({ latent: 4 }))
    for (const content of ['my notes', '']) {
      await writeFile(join(dir, 'notes.txt'), content)
      await expect(exportOnnx(artifacts, { out: join(dir, 'notes.txt'), verify: false })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringMatching(/notes\.txt exists and is not an ONNX model; refusing to replace it/),
      })
      expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe(content)
    }
    const out = join(dir, 'model.onnx')
    await exportOnnx(artifacts, { out, verify: false })
    const second = await exportOnnx(await artifactsOf(dcgan({ latent: 5 })), { out, verify: false })
    expect(new Uint8Array(await readFile(out))).toEqual(second.bytes)
  })

  it('a directory at the path: ERR_WRITE naming a file to write instead', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'models'))
    await expect(exportOnnx(await artifactsOf(dcgan({ latent: 4 })), { out: join(dir, 'models'), verify: false })).rejects.toMatchObject({
      code: 'ERR_WRITE',
      message: expect.stringMatching(/models: it is a directory\. Name the \.onnx file to write, e\.g\. .*models\/model\.onnx/),
    })
  })

  it('a model directory given as model.json: its directory is the input', async () => {
    const dir = await tempDir()
    await writeLayersModelFiles(join(dir, 'g'), await artifactsOf(dcgan({ latent: 4 })))
    await expect(exportOnnx(join(dir, 'g', 'model.json'), { out: join(dir, 'g', 'm.onnx'), verify: false })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    })
  })
})
