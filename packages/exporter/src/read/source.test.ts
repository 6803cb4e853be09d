import { mkdtemp, rename, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { artifactsOf, dcgan, writeRunDir } from '../testing/fixtures.js'
import { readSource } from './source.js'

describe('readSource', () => {
  it('follows gan.json’s "generator" only inside the run: a symbolic link out of it is ERR_INPUT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-export-source-'))
    const run = join(dir, 'run')
    await writeRunDir(run, await artifactsOf(dcgan({ latent: 4 })), {})
    expect((await readSource(run)).dir).toBe(run)
    await rename(join(run, 'generator'), join(dir, 'elsewhere'))
    await symlink(join(dir, 'elsewhere'), join(run, 'generator'))
    await expect(readSource(run)).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(
        /gan\.json's "generator" \("generator"\) leads outside the run directory, to .*elsewhere \(a symbolic link\)/,
      ),
    })
    // A link inside the run is fine.
    await rename(join(dir, 'elsewhere'), join(run, 'g2'))
    await rename(join(run, 'generator'), join(dir, 'old-link'))
    await symlink(join(run, 'g2'), join(run, 'generator'))
    await expect(readSource(run)).resolves.toMatchObject({ origin: run })
  })
})
