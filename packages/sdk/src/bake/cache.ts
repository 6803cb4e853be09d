import { createHash } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { linkFileAtomic, removeStaleTempFiles } from '@gan-sdk/internal'
import type { Seed } from '../core/seed.js'

/** What determines a baked file's bytes. */
export interface BakeKeyParts {
  modelSha256: string
  seed: Seed
  label: string | null
  truncation: number
  format: string
  size: number | null
  quality: number | null
  sdkVersion: string
}

/** The content address of a baked file: SHA-256 (hex) over everything that determines its bytes. */
export function bakeKey(parts: BakeKeyParts): string {
  const { modelSha256, seed, label, truncation, format, size, quality, sdkVersion } = parts
  // The seed keeps its type: seed 7 and seed "7" are different images.
  return sha256Hex(JSON.stringify([modelSha256, typeof seed, String(seed), label, truncation, format, size, quality, sdkVersion]))
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Baked files by key, in `dir/<key[0..1]>/<key>.<sha256 of the bytes>`: written before the output
 * file, which is then a hard link to the entry (write-worker.js), so a bake killed half-way resumes
 * from here without running the model again for what it finished. The bytes' hash in the name lets
 * {@link get} notice an entry changed through its linked output file (an in-place edit) and drop it.
 */
export class BakeCache {
  constructor(readonly dir: string) {}

  /** What a writer appends the bytes' SHA-256 to, to name the entry for `key`. */
  entryPrefix(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.`)
  }

  /** The entries, key → the SHA-256 their name records: one directory listing per key prefix. */
  async entries(): Promise<Map<string, string>> {
    const prefixes = await readdir(this.dir).catch(() => [] as string[])
    const lists = await Promise.all(prefixes.map((p) => readdir(join(this.dir, p)).catch(() => [] as string[])))
    const entries = new Map<string, string>()
    for (const name of lists.flat()) {
      const match = ENTRY.exec(name)
      if (match !== null) entries.set(match[1]!, match[2]!)
    }
    return entries
  }

  /** Remove the temp files that killed bakes left beside the entries (in the key-prefix folders). */
  async removeStaleTempFiles(): Promise<void> {
    const prefixes = await readdir(this.dir).catch(() => [] as string[])
    await Promise.all(prefixes.map((p) => removeStaleTempFiles(join(this.dir, p))))
  }

  /** The entry's bytes, or undefined when it is missing or its bytes no longer have the hash its name records (then it is removed). */
  async get(key: string, sha256: string): Promise<Uint8Array | undefined> {
    const path = this.entryPrefix(key) + sha256
    try {
      const bytes = new Uint8Array(await readFile(path))
      if (sha256Hex(bytes) === sha256) return bytes
      await rm(path, { force: true })
      return undefined
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** Make `out` the entry's file (a hard link, or a copy across file systems), atomically. */
  async linkTo(key: string, sha256: string, out: string): Promise<void> {
    await linkFileAtomic(this.entryPrefix(key) + sha256, out)
  }
}

/** An entry's name: `<key>.<sha256>`, both hex. */
const ENTRY = /^([0-9a-f]{64})\.([0-9a-f]{64})$/
