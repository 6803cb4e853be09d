import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@gan-sdk/internal'
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
 * Baked files by key, in `dir/<key[0..1]>/<key>`: written before the output file, so a bake killed
 * half-way resumes from here without running the model again for what it finished.
 */
export class BakeCache {
  constructor(readonly dir: string) {}

  #path(key: string): string {
    return join(this.dir, key.slice(0, 2), key)
  }

  /** The keys in the cache: one directory listing per key prefix, instead of a failed read per missing key. */
  async keys(): Promise<Set<string>> {
    const prefixes = await readdir(this.dir).catch(() => [] as string[])
    const lists = await Promise.all(prefixes.map((p) => readdir(join(this.dir, p)).catch(() => [] as string[])))
    return new Set(lists.flat())
  }

  /** The cached bytes, or undefined. */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.#path(key)))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(this.#path(key), bytes, { fsync: false })
  }
}
