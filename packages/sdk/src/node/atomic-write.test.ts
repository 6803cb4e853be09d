import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from './atomic-write.js'

describe('writeFileAtomic', () => {
  it('creates missing directories, replaces existing files, and leaves no temp files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-atomic-'))
    const file = join(dir, 'a', 'b', 'x.png')
    await writeFileAtomic(file, 'old')
    await Promise.all([writeFileAtomic(file, 'new'), writeFileAtomic(join(dir, 'a', 'b', 'y.png'), new Uint8Array([1, 2]))])
    expect(await readFile(file, 'utf8')).toBe('new')
    expect((await readdir(join(dir, 'a', 'b'))).sort()).toEqual(['x.png', 'y.png'])
  })

  it('on failure, removes its temp file and rethrows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-atomic-'))
    await mkdir(join(dir, 'taken', 'inside'), { recursive: true })
    // Renaming a file over a non-empty directory fails on every OS.
    await expect(writeFileAtomic(join(dir, 'taken'), 'x')).rejects.toThrow()
    expect(await readdir(dir)).toEqual(['taken'])
  })
})
