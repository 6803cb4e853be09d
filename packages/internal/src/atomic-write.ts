import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { copyFile, link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { threadId } from 'node:worker_threads'

export interface WriteFileAtomicOptions {
  /**
   * Flush the data to disk before the rename, so a power cut cannot leave an empty file where the
   * old one was. Costs a disk round trip per file: worth it for models and checkpoints, not for
   * thousands of small images. @default true
   */
  fsync?: boolean
}

/** Writes started by this thread: with the pid and the thread's id, a temp name no other write shares. */
let writes = 0

/**
 * Write a file so that readers see the old content or the complete new one, never a part: write a
 * temp file beside it (same directory, so the rename stays on one file system), then rename it over
 * `path`. Parent directories are created. On failure the temp file is removed, `path` is untouched,
 * and the original error is thrown (never one from the clean-up).
 *
 * Temp files are named `<path>.<host>-<pid>-<thread>-<n>.gan.tmp`, where `<host>` is
 * {@link TEMP_HOST_TAG}: unique across machines and containers sharing a folder,
 * processes, threads (each counts its own writes) and concurrent writes in one thread, and
 * distinctive, so a tool can remove the ones a killed process left behind without taking a user's
 * `notes.2024-01.tmp` for one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const { fsync = true } = options
  const tmp = tempName(path)
  try {
    // Create the directory only when it is missing: one system call less per file in a bake of thousands.
    const file = await open(tmp, 'wx').catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
      await mkdir(dirname(path), { recursive: true })
      return open(tmp, 'wx')
    })
    try {
      await file.writeFile(data)
      if (fsync) await file.sync()
    } finally {
      await file.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {})
    throw err
  }
}

/**
 * {@link writeFileAtomic} with synchronous system calls, for worker threads that write many small
 * files: a fifth of the CPU time per file of the promise-based calls (the bake benchmark measures
 * both), at the price of blocking the calling thread, so never on a thread that serves anything.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): void {
  const { fsync = true } = options
  const tmp = tempName(path)
  try {
    writeTempSync(tmp, data, fsync)
    renameSync(tmp, path)
  } catch (err) {
    removeQuietly(tmp)
    throw err
  }
}

/** Error codes of file systems that cannot hard-link these two paths: another device, FAT/exFAT, some network shares. */
const CANNOT_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS'])

/**
 * Make `path` a hard link to the existing file `target`, atomically like {@link writeFileAtomic}: a
 * link under a temp name, renamed over `path`. Where the file system cannot link the two (another
 * device, FAT), a copy instead. A link is one system call and no data written, so storing a file
 * both in a cache and in an output folder costs little more than one write; the two names then
 * share their bytes, so a reader of `target` must verify them if `path` may be edited in place.
 */
export async function linkFileAtomic(target: string, path: string): Promise<void> {
  const tmp = tempName(path)
  try {
    await link(target, tmp)
      .catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          await mkdir(dirname(path), { recursive: true })
          return link(target, tmp)
        }
        throw err
      })
      .catch(async (err: NodeJS.ErrnoException) => {
        if (!CANNOT_LINK.has(err.code ?? '')) throw err
        await copyFile(target, tmp)
      })
    await rename(tmp, path)
  } finally {
    // Gone after a rename, except where `path` already was a link to `target`: then the rename did
    // nothing and left `tmp` (POSIX). After a failure, the half-made link.
    await rm(tmp, { force: true }).catch(() => {})
  }
}

/** {@link linkFileAtomic} with synchronous system calls, for worker threads (see {@link writeFileAtomicSync}). */
export function linkFileAtomicSync(target: string, path: string): void {
  const tmp = tempName(path)
  try {
    try {
      try {
        linkSync(target, tmp)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
        mkdirSync(dirname(path), { recursive: true })
        linkSync(target, tmp)
      }
    } catch (err) {
      if (!CANNOT_LINK.has((err as NodeJS.ErrnoException).code ?? '')) throw err
      copyFileSync(target, tmp)
    }
    renameSync(tmp, path)
  } finally {
    // As in linkFileAtomic: a link over the same file leaves `tmp`, and so does a failure.
    removeQuietly(tmp)
  }
}

/**
 * Store `data` at the content-addressed `path` (a name that its bytes determine, such as one that
 * ends in their hash) unless a file is already there, which stays: written to a temp file, then
 * hard-linked into place, which fails with EEXIST instead of replacing. So a stored file is never
 * replaced while others link to it. (Renaming over it, as {@link writeFileAtomicSync} does, drops
 * the old file's last name, and a `link()` from it that another thread has begun then fails with
 * ENOENT.) A file already at `path` is taken to hold `data`, as its name says: a caller whose files
 * may change in place (through another hard link) must verify them before relying on one, as the
 * bake cache does. Where the file system cannot hard-link, the temp file is renamed into place if
 * nothing is there yet. Synchronous, for worker threads.
 */
export function writeFileOnceSync(path: string, data: string | Uint8Array): void {
  const tmp = tempName(path)
  try {
    writeTempSync(tmp, data, false)
    try {
      linkSync(tmp, path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? ''
      if (code === 'EEXIST') return
      if (!CANNOT_LINK.has(code)) throw err
      if (!existsSync(path)) renameSync(tmp, path)
    }
  } finally {
    removeQuietly(tmp)
  }
}

/** Write `data` to the new file `tmp` (created exclusively; its folder too when missing). */
function writeTempSync(tmp: string, data: string | Uint8Array, fsync: boolean): void {
  let fd: number
  try {
    fd = openSync(tmp, 'wx')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    mkdirSync(dirname(tmp), { recursive: true })
    fd = openSync(tmp, 'wx')
  }
  try {
    writeFileSync(fd, data)
    if (fsync) fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Remove a temp file after a failed write, keeping the write's own error the one thrown. */
function removeQuietly(tmp: string): void {
  try {
    rmSync(tmp, { force: true })
  } catch {
    // The write's error is the one that matters.
  }
}

/**
 * The `<host>` of this process's temp names: 8 hex digits of the SHA-256 of the host name and, on
 * Linux, the PID namespace (`/proc/self/ns/pid`), so containers that share the host's name
 * (`--network host`) still differ. Pids are checked only in temp names with this tag.
 */
export const TEMP_HOST_TAG = createHash('sha256').update(`${hostname()}\0${pidNamespace()}`).digest('hex').slice(0, 8)

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid')
  } catch {
    return '' // not Linux: the host name alone
  }
}

/** A temp name beside `path` that no other write shares (see {@link writeFileAtomic}). */
function tempName(path: string): string {
  return `${path}.${TEMP_HOST_TAG}-${process.pid}-${threadId}-${++writes}.gan.tmp`
}

/** `<name>.<host>-<pid>-<thread>-<n>.gan.tmp`, as {@link writeFileAtomic} names its temp files. */
const TEMP_NAME = /^.+\.([0-9a-f]{8})-(\d+)-\d+-\d+\.gan\.tmp$/

/** How old another host's temp file must be before it counts as left behind: no write takes a day. */
const FOREIGN_TEMP_AGE_MS = 24 * 60 * 60 * 1000

/**
 * Remove the temp files that killed writers left in `dir` (a SIGKILL between write and rename):
 * those of our naming scheme written on this host by a process that no longer runs, and those
 * written on another host (a container sharing the folder, whose pids this one cannot check) more
 * than a day ago. Temp files of live processes, this one included, are left alone, so concurrent
 * writers into one folder are safe. Returns the names removed; a missing `dir` has none.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return []
    throw err
  })
  const stale = await Promise.all(
    names.map(async (name) => {
      const match = TEMP_NAME.exec(name)
      if (!match) return false
      const [, host, pidText] = match
      if (host !== TEMP_HOST_TAG) return isOlderThan(join(dir, name), FOREIGN_TEMP_AGE_MS)
      const pid = Number(pidText)
      return Number.isSafeInteger(pid) && pid !== process.pid && !isRunning(pid)
    }),
  )
  const removed = names.filter((_, i) => stale[i])
  await Promise.all(removed.map((name) => rm(join(dir, name), { force: true })))
  return removed
}

/** Whether `path` was last written or linked more than `ageMs` ago: a hard link made now to an old file has the file's old mtime but a new ctime. */
async function isOlderThan(path: string, ageMs: number): Promise<boolean> {
  const stats = await stat(path).catch(() => undefined)
  return stats !== undefined && Date.now() - Math.max(stats.mtimeMs, stats.ctimeMs) > ageMs
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
