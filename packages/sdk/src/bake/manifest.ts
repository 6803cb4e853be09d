import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@gan-sdk/internal'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import type { Seed } from '../core/seed.js'
import type { BakeFormat } from './encode.js'
import type { Shard } from './seed-spec.js'

/** The manifest's `format` field. */
export const BAKE_MANIFEST_FORMAT = 'gan-sdk-bake'
export const BAKE_MANIFEST_VERSION = 1

/** One baked image as the manifest lists it. */
export interface BakedImageEntry {
  /** File name inside the output directory. */
  file: string
  seed: Seed
  /** Class name of a conditional model's image, else null. */
  label: string | null
  width: number
  height: number
  /** File size in bytes. */
  bytes: number
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string
  /** The cache key: SHA-256 of what determines the file (model, seed, label, truncation, format, size, quality, SDK version). */
  key: string
}

/** `gan-manifest.json` in a bake's output directory (or `gan-manifest.<i>-of-<n>.json` for a shard). */
export interface BakeManifest {
  format: typeof BAKE_MANIFEST_FORMAT
  version: typeof BAKE_MANIFEST_VERSION
  sdkVersion: string
  model: { name: string; sha256: string }
  options: { format: BakeFormat; size: number | null; truncation: number; quality: number | null }
  /**
   * Present in a shard's manifest: which shard, and `bake`, the SHA-256 over the keys of every image
   * of the whole (unsharded) bake in order, which the shards of one bake share and `bake merge` checks.
   */
  shard?: Shard & { bake: string }
  images: BakedImageEntry[]
}

/** The manifest's file name: one per bake, one per shard. */
export function manifestFile(shard: Shard | undefined): string {
  return shard === undefined || shard.count === 1 ? 'gan-manifest.json' : `gan-manifest.${shard.index}-of-${shard.count}.json`
}

/** A directory's manifest, or undefined when it has none; a manifest that is not one of ours is an error. */
export async function readBakeManifest(path: string): Promise<BakeManifest | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    // No manifest yet; an outDir under a file (ENOTDIR) fails as ERR_WRITE at the first image written.
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code!)) return undefined
    throw err
  }
  let manifest: unknown
  try {
    manifest = JSON.parse(text)
  } catch {
    manifest = undefined
  }
  const m = manifest as Partial<BakeManifest> | undefined
  if (m?.format !== BAKE_MANIFEST_FORMAT || m.version !== BAKE_MANIFEST_VERSION || !Array.isArray(m.images)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `${path} is not a gan-sdk bake manifest (format ${describeValue(m?.format)}, version ${describeValue(m?.version)}): bake into a directory of its own, or delete the file.`,
    )
  }
  return m as BakeManifest
}

/** Write the manifest atomically, unless the file already holds these bytes: then it is left alone, times and all, as a re-run leaves its images. */
export async function writeBakeManifest(dir: string, manifest: BakeManifest): Promise<string> {
  const path = join(dir, manifestFile(manifest.shard))
  const text = `${JSON.stringify(manifest, null, 2)}\n`
  if ((await readFile(path, 'utf8').catch(() => undefined)) !== text) await writeFileAtomic(path, text)
  return path
}
