import { writeFileAtomic } from '@gan-sdk/internal'
import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import { sha256Hex } from './cache.js'
import { readBakeManifest, writeBakeManifest, type BakeManifest, type BakedImageEntry } from './manifest.js'

export interface MergeResult {
  manifest: string
  images: number
  /** Image files copied into the output directory (the rest were there already, identical). */
  copied: number
}

const SHARD_MANIFEST = /^gan-manifest\.(\d+)-of-(\d+)\.json$/

/**
 * Join the shards of a bake: read every shard manifest (`gan-manifest.<i>-of-<n>.json`) in `dirs`,
 * check that they are shards 1…n of one bake (same model, options and SDK version), copy their
 * images into `outDir` (atomically; identical files are left alone) and write `outDir/gan-manifest.json`
 * listing the images in the order the unsharded bake would have. The result is the unsharded bake.
 */
export async function mergeBakes(dirs: readonly string[], outDir: string): Promise<MergeResult> {
  if (dirs.length === 0) throw new GanError('ERR_INVALID_OPTION', 'bake merge got no directories: pass the shards’ output directories.')
  const shards: Array<{ dir: string; manifest: BakeManifest }> = []
  for (const dir of dirs) {
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      throw new GanError(
        'ERR_INVALID_OPTION',
        `bake merge cannot read ${JSON.stringify(dir)} (${err.code ?? err.message}): pass a shard’s output directory.`,
      )
    })
    const found = names.filter((n) => SHARD_MANIFEST.test(n))
    // A directory without one (an unsharded bake, a typo) would be left out of the result unnoticed.
    if (found.length === 0)
      throw new GanError(
        'ERR_INVALID_OPTION',
        `no shard manifests (gan-manifest.<i>-of-<n>.json) in ${JSON.stringify(dir)}: pass only the output directories of bakes with --shard i/n.`,
      )
    for (const name of found) shards.push({ dir, manifest: (await readBakeManifest(join(dir, name)))! })
  }
  const [first] = shards
  const count = first!.manifest.shard!.count
  const same = (m: BakeManifest) => JSON.stringify([m.model, m.options, m.sdkVersion, m.shard?.count, m.shard?.bake])
  const odd = shards.find((s) => same(s.manifest) !== same(first!.manifest))
  if (odd !== undefined) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `shard ${odd.manifest.shard?.index} of ${odd.dir} is from another bake (model, options, SDK version, shard count, seeds or labels differ from shard ${first!.manifest.shard?.index} of ${first!.dir}): merge the shards of one bake.`,
    )
  }
  const byIndex = new Map<number, { dir: string; manifest: BakeManifest }>()
  for (const s of shards) {
    if (byIndex.has(s.manifest.shard!.index))
      throw new GanError(
        'ERR_INVALID_OPTION',
        `shard ${s.manifest.shard!.index}/${count} appears twice (${byIndex.get(s.manifest.shard!.index)!.dir} and ${s.dir}): pass each shard once.`,
      )
    byIndex.set(s.manifest.shard!.index, s)
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i))
  if (missing.length > 0)
    throw new GanError(
      'ERR_INVALID_OPTION',
      `shards ${describeValue(missing)} of ${count} are missing: bake them, or pass their directories.`,
    )

  // Shard i holds the unsharded items k with k mod n = i − 1, in order: interleave them back.
  const ordered: Array<{ dir: string; entry: BakedImageEntry }> = []
  for (let position = 0; ; position++) {
    const row = Array.from({ length: count }, (_, i) => byIndex.get(i + 1)!).map((s) =>
      s.manifest.images[position] ? { dir: s.dir, entry: s.manifest.images[position]! } : undefined,
    )
    if (row.every((x) => x === undefined)) break
    for (const x of row) if (x !== undefined) ordered.push(x)
  }
  let copied = 0
  for (const { dir, entry } of ordered) {
    if (resolve(dir) === resolve(outDir)) continue
    const bytes = await readFile(join(dir, entry.file))
    if (sha256Hex(bytes) !== entry.sha256)
      throw new GanError('ERR_INVALID_OPTION', `${join(dir, entry.file)} does not match its manifest's hash: bake that shard again.`)
    const target = join(outDir, entry.file)
    const there = await readFile(target).catch(() => undefined)
    if (there !== undefined && sha256Hex(there) === entry.sha256) continue
    await writeFileAtomic(target, bytes, { fsync: false })
    copied++
  }
  const { shard: _shard, ...rest } = first!.manifest
  const manifest = await writeBakeManifest(outDir, { ...rest, images: ordered.map((o) => o.entry) })
  return { manifest, images: ordered.length, copied }
}
