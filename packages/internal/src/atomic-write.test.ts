import { link, mkdir, mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises'
import { existsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { describe, expect, it, vi } from 'vitest'
import {
  linkFileAtomic,
  linkFileAtomicSync,
  removeStaleTempFiles,
  TEMP_HOST_TAG,
  writeFileAtomic,
  writeFileAtomicSync,
  writeFileOnceSync,
} from './atomic-write.js'
import { spawnSync } from 'node:child_process'

const workspace = () => mkdtemp(join(tmpdir(), 'gan-atomic-'))
const DAY = 24 * 60 * 60 * 1000

// The synchronous flavours must behave as the promise-based ones: the same tests run on both.
const writers = [
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', async (...args: Parameters<typeof writeFileAtomicSync>) => writeFileAtomicSync(...args)],
] as const
const linkers = [
  ['linkFileAtomic', linkFileAtomic],
  ['linkFileAtomicSync', async (...args: Parameters<typeof linkFileAtomicSync>) => linkFileAtomicSync(...args)],
] as const

describe.each(writers)('%s', (_, writeFileAtomic) => {
  it('creates missing directories, replaces existing files, and leaves no temp files', async () => {
    const dir = await workspace()
    const file = join(dir, 'a', 'b', 'x.png')
    await writeFileAtomic(file, 'old')
    await Promise.all([
      writeFileAtomic(file, 'new', { fsync: false }),
      writeFileAtomic(join(dir, 'a', 'b', 'y.png'), new Uint8Array([1, 2])),
    ])
    expect(await readFile(file, 'utf8')).toBe('new')
    expect((await readdir(join(dir, 'a', 'b'))).sort()).toEqual(['x.png', 'y.png'])
  })

  it('gives concurrent writes in the same millisecond distinct temp files', async () => {
    const dir = await workspace()
    const files = Array.from({ length: 200 }, (_, i) => join(dir, `${i % 7}.bin`))
    await Promise.all(files.map((f, i) => writeFileAtomic(f, String(i), { fsync: false })))
    expect((await readdir(dir)).sort()).toEqual(['0.bin', '1.bin', '2.bin', '3.bin', '4.bin', '5.bin', '6.bin'])
  })

  it('on failure, removes its temp file, leaves the target alone and rethrows the real error', async () => {
    const dir = await workspace()
    await mkdir(join(dir, 'taken', 'inside'), { recursive: true })
    // Renaming a file over a non-empty directory fails on every OS.
    await expect(writeFileAtomic(join(dir, 'taken'), 'x')).rejects.toThrow()
    expect(await readdir(dir)).toEqual(['taken'])
  })

  it('under a path whose parent is a file, throws the file system error (ENOTDIR/EEXIST), not a clean-up error', async () => {
    const dir = await workspace()
    await writeFile(join(dir, 'file'), 'x')
    const err = (await writeFileAtomic(join(dir, 'file', 'sub', 'out.onnx'), 'x').catch((e: unknown) => e)) as NodeJS.ErrnoException
    expect(['ENOTDIR', 'EEXIST']).toContain(err.code)
    expect(await readdir(dir)).toEqual(['file'])
  })
})

describe.each(linkers)('%s', (_, linkFileAtomic) => {
  it('makes the path a hard link to the target (one inode), replacing what was there, creating folders, leaving no temp files', async () => {
    const dir = await workspace()
    const target = join(dir, 'cache', 'entry')
    await writeFileAtomic(target, 'png bytes')
    const out = join(dir, 'out', 'deep', 'a.png')
    await writeFileAtomic(out, 'old')
    await linkFileAtomic(target, out)
    expect(await readFile(out, 'utf8')).toBe('png bytes')
    expect((await stat(out)).ino).toBe((await stat(target)).ino)
    expect(await readdir(join(dir, 'out', 'deep'))).toEqual(['a.png'])
  })

  it('re-linking a path that already is a link to the target leaves no temp file (POSIX makes that rename a no-op)', async () => {
    const dir = await workspace()
    await writeFile(join(dir, 'entry'), 'bytes')
    await linkFileAtomic(join(dir, 'entry'), join(dir, 'out'))
    await linkFileAtomic(join(dir, 'entry'), join(dir, 'out'))
    expect((await readdir(dir)).sort()).toEqual(['entry', 'out'])
  })

  it('with a missing target, throws ENOENT and leaves the path alone', async () => {
    const dir = await workspace()
    await writeFile(join(dir, 'a.png'), 'old')
    await expect(linkFileAtomic(join(dir, 'missing'), join(dir, 'a.png'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await readFile(join(dir, 'a.png'), 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['a.png'])
  })

  // /dev/shm (tmpfs) and the temp folder are two file systems on Linux CI machines: a link between them fails with EXDEV.
  const otherDevice = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev
  it.skipIf(!otherDevice)('copies where the file system cannot link (another device)', async () => {
    const target = join(await mkdtemp('/dev/shm/gan-atomic-'), 'entry')
    await writeFile(target, 'bytes')
    const out = join(await workspace(), 'a.png')
    await linkFileAtomic(target, out)
    expect(await readFile(out, 'utf8')).toBe('bytes')
    expect((await stat(out)).ino).not.toBe((await stat(target)).ino)
  })
})

describe('temp names', () => {
  it('differ between threads: two worker threads replacing one file at once never collide', async () => {
    const path = join(await workspace(), 'shared.png')
    // The built module, as the bake's writer threads load it; each thread counts its writes from 1.
    const script = `
      const { parentPort, workerData } = require('node:worker_threads')
      import(workerData.module).then(({ writeFileAtomicSync }) => {
        for (let i = 0; i < 300; i++) writeFileAtomicSync(workerData.path, 'x'.repeat(i), { fsync: false })
        parentPort.postMessage('done')
      }).catch((err) => parentPort.postMessage(String(err)))`
    const module = new URL('../dist/index.js', import.meta.url).href
    const results = await Promise.all(
      [1, 2].map(
        () =>
          new Promise((resolve) => {
            const worker = new Worker(script, { eval: true, workerData: { module, path } })
            worker.once('message', (m) => void worker.terminate().then(() => resolve(m)))
          }),
      ),
    )
    expect(results).toEqual(['done', 'done'])
    expect((await readdir(dirname(path))).sort()).toEqual(['shared.png'])
  })
})

describe('writeFileOnceSync', () => {
  it('stores a file where none is, keeps the one already there, and leaves no temp files', async () => {
    const dir = await workspace()
    const path = join(dir, 'ab', 'key.sha')
    writeFileOnceSync(path, 'bytes')
    const { ino } = statSync(path)
    writeFileOnceSync(path, 'bytes')
    expect(statSync(path).ino).toBe(ino)
    expect(await readFile(path, 'utf8')).toBe('bytes')
    expect(await readdir(join(dir, 'ab'))).toEqual(['key.sha'])
  })

  it('keeps a stored file linkable while other threads store it again (a rename over it would drop it mid-link: ENOENT)', async () => {
    const dir = await workspace()
    // Three bakes' writer threads storing one cache entry and linking their outputs to it, as
    // write-worker.js does per image. With writeFileAtomicSync as the store (a rename over the
    // entry), about 1 % of these links fail with ENOENT.
    const script = `
      const { parentPort, workerData } = require('node:worker_threads')
      const { join } = require('node:path')
      import(workerData.module).then((m) => {
        const entry = join(workerData.dir, 'entry')
        const errors = new Set()
        for (let i = 0; i < 5000; i++) {
          try {
            m.writeFileOnceSync(entry, 'same bytes')
            m.linkFileAtomicSync(entry, join(workerData.dir, workerData.name))
          } catch (err) { errors.add(err.code) }
        }
        parentPort.postMessage([...errors])
      }).catch((err) => parentPort.postMessage(String(err)))`
    const module = new URL('../dist/index.js', import.meta.url).href
    const results = await Promise.all(
      ['a', 'b', 'c'].map(
        (name) =>
          new Promise((resolve) => {
            const worker = new Worker(script, { eval: true, workerData: { module, dir, name } })
            worker.once('message', (m) => void worker.terminate().then(() => resolve(m)))
          }),
      ),
    )
    expect(results).toEqual([[], [], []])
    expect((await readdir(dir)).sort()).toEqual(['a', 'b', 'c', 'entry'])
    expect(statSync(join(dir, 'a')).ino).toBe(statSync(join(dir, 'entry')).ino)
  })
})

describe('removeStaleTempFiles', () => {
  // The temp-name scheme writeFileAtomic documents: `<path>.<host>-<pid>-<thread>-<n>.gan.tmp`.
  const host = TEMP_HOST_TAG
  const otherHost = host === '00000000' ? '11111111' : '00000000'

  it('removes the temp files of writers that no longer run, and nothing else', async () => {
    const dir = await workspace()
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const ours = [`1.png.${host}-${dead}-0-3.gan.tmp`, `2.png.${host}-${dead}-2-14.gan.tmp`]
    // A live writer's (this process's), and files that only look alike: a user's dated temp file, older names.
    const kept = [
      '1.png',
      `3.png.${host}-${process.pid}-0-1.gan.tmp`,
      'notes.tmp',
      `x.${dead}.tmp`,
      `backup.${dead}-01-15.tmp`,
      `4.png.${dead}-3.tmp`,
      `5.png.${dead}-0-1.gan.tmp`,
    ]
    await Promise.all([...ours, ...kept].map((n) => writeFile(join(dir, n), '')))
    expect((await removeStaleTempFiles(dir)).sort()).toEqual(ours.sort())
    expect((await readdir(dir)).sort()).toEqual(kept.sort())
    expect(await removeStaleTempFiles(join(dir, 'missing'))).toEqual([])
  })

  it("leaves another host's temp files for a day after they were written or linked, whatever their pid", async () => {
    const dir = await workspace()
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const written = `1.png.${otherHost}-${dead}-0-1.gan.tmp`
    // A link temp (linkFileAtomic) made now to a three-day-old cache entry: the entry's old mtime, a new ctime.
    const entry = join(dir, 'entry')
    await writeFile(entry, 'bytes')
    const threeDaysAgo = new Date(Date.now() - 3 * DAY)
    await utimes(entry, threeDaysAgo, threeDaysAgo)
    const linked = `2.png.${otherHost}-${process.pid}-0-1.gan.tmp`
    await writeFile(join(dir, written), '')
    await link(entry, join(dir, linked))
    expect(await removeStaleTempFiles(dir)).toEqual([])
    vi.useFakeTimers({ now: Date.now() + 2 * DAY, toFake: ['Date'] })
    try {
      expect((await removeStaleTempFiles(dir)).sort()).toEqual([written, linked].sort())
    } finally {
      vi.useRealTimers()
    }
    expect(await readdir(dir)).toEqual(['entry'])
  })
})
