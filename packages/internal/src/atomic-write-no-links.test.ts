import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { linkFileAtomic, linkFileAtomicSync, writeFileOnceSync } from './atomic-write.js'

// A file system without hard links (FAT/exFAT, some network shares): link() fails with EPERM once
// the paths resolve (a missing folder is still ENOENT, as the path is looked up first).
vi.mock('node:fs', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:fs')>()), linkSync: vi.fn(refuse) }))
vi.mock('node:fs/promises', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:fs/promises')>()),
  link: vi.fn(async (target: string, path: string) => refuse(target, path)),
}))

function refuse(_target: string, path: string): never {
  const code = existsSync(dirname(path)) ? 'EPERM' : 'ENOENT'
  throw Object.assign(new Error(`${code}: link failed, '${path}'`), { code })
}

const workspace = () => mkdtemp(join(tmpdir(), 'gan-no-links-'))

describe('on a file system without hard links', () => {
  it('writeFileOnceSync stores a file where none is, keeps the one already there, and leaves no temp files', async () => {
    const dir = await workspace()
    const path = join(dir, 'ab', 'key.sha')
    writeFileOnceSync(path, 'first')
    writeFileOnceSync(path, 'second')
    expect(await readFile(path, 'utf8')).toBe('first')
    expect(await readdir(join(dir, 'ab'))).toEqual(['key.sha'])
  })

  it.each([
    ['linkFileAtomic', linkFileAtomic],
    ['linkFileAtomicSync', async (target: string, path: string) => linkFileAtomicSync(target, path)],
  ])('%s copies instead, replacing what was there, and leaves no temp files', async (_, linkFile) => {
    const dir = await workspace()
    const target = join(dir, 'entry')
    const out = join(dir, 'out', 'a.png')
    await writeFile(target, 'bytes')
    await linkFile(target, out)
    await writeFile(target, 'newer')
    await linkFile(target, out)
    expect(await readFile(out, 'utf8')).toBe('newer')
    expect((await stat(out)).ino).not.toBe((await stat(target)).ino)
    expect((await readdir(dir)).sort()).toEqual(['entry', 'out'])
    expect(await readdir(join(dir, 'out'))).toEqual(['a.png'])
  })
})
