import { removeStaleTempFiles } from '@gan-sdk/internal'
import { readdir, readFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import { labelIndex, type Label } from '../core/generate-options.js'
import { GeneratorBase } from '../core/generator.js'
import type { ModelSource } from '../core/runtime.js'
import { checkTruncation, seedToInteger, type Seed } from '../core/seed.js'
import { SDK_VERSION } from '../core/version.js'
import { fileStem } from '../node/file-names.js'
import { Generator } from '../node/node-generator.js'
import { BakeCache, bakeKey, sha256Hex } from './cache.js'
import { BAKE_FORMATS, createImageWriter, DEFAULT_BAKE_CONCURRENCY, loadSharp, type BakeFormat } from './encode.js'
import {
  BAKE_MANIFEST_FORMAT,
  BAKE_MANIFEST_VERSION,
  manifestFile,
  readBakeManifest,
  writeBakeManifest,
  type BakedImageEntry,
} from './manifest.js'
import { parseSeedSpec, parseShard, shardItems, type Shard } from './seed-spec.js'

/** Options of {@link bake}. Only `seeds` and `outDir` are required. */
export interface BakeOptions {
  /** The generator: a bundled model's name, a `.onnx` path, a URL, the bytes, or a loaded `Generator` (best loaded with {@link BAKE_SESSION_OPTIONS}). @default 'mnist' */
  model?: ModelSource | GeneratorBase
  /** Seeds: `'0-99'`, `'1;5;hero'`, or `[1, 5, 'hero']` (see parseSeedSpec). */
  seeds: string | readonly Seed[]
  /** Classes of a conditional model: every seed is baked once per label. @default each seed's own class (seedToInteger(seed) mod classes) */
  labels?: readonly Label[]
  /** Truncation ψ in (0, 1] (docs/seeds.md). @default 1 */
  truncation?: number
  /** File format; WebP and AVIF need sharp (`npm i sharp`). @default 'png' */
  format?: BakeFormat
  /** Resize to size × size pixels (Lanczos 3, needs sharp). @default the model's size */
  size?: number
  /** WebP/AVIF quality, 1–100. @default 90 for WebP, 60 for AVIF */
  quality?: number
  /** Where the images and `gan-manifest.json` go; created if missing. */
  outDir: string
  /** Where finished images are kept by content key, so re-runs and resumed runs skip inference. @default node_modules/.cache/gan-sdk/bake (of the working directory) */
  cacheDir?: string
  /** Writer threads (encoding, hashing, writing), working while the model runs. @default the cores but one, at least 2 */
  concurrency?: number
  /** Seeds per model run. @default 256 */
  batchSize?: number
  /** Bake only shard i of n (`'2/4'`): every n-th image starting at the i-th, for baking across machines. @default the whole bake */
  shard?: string | Shard
  /** Progress, as typed events. @default ignore them */
  onProgress?: (event: BakeEvent) => void
}

/** Why an image was written, or not. */
export type BakeReason = 'unchanged' | 'new' | 'model changed' | 'options changed' | 'file missing' | 'file changed'

/** One image of a bake, as `bake()` returns it. */
export interface BakedImage extends BakedImageEntry {
  /** Absolute path of the file. */
  path: string
  /** True when no inference ran for it (already in the output directory, or in the cache). */
  cached: boolean
  reason: BakeReason
}

export type BakeEvent =
  | { type: 'start'; total: number; outDir: string; model: string; shard: Shard | null }
  | { type: 'image'; image: BakedImage; done: number; total: number }
  | {
      type: 'done'
      baked: number
      cached: number
      failed: number
      reasons: Partial<Record<BakeReason, number>>
      manifest: string
      ms: number
    }

/** The result of a bake: its images, and where its manifest is. */
export interface BakeResult {
  images: BakedImage[]
  manifest: string
  baked: number
  cached: number
  failed: number
}

const KEYS = [
  'model',
  'seeds',
  'labels',
  'truncation',
  'format',
  'size',
  'quality',
  'outDir',
  'cacheDir',
  'concurrency',
  'batchSize',
  'shard',
  'onProgress',
]

/**
 * The session options a bake loads its model with: onnxruntime's threads do not spin while they
 * wait for work, so the CPU they would burn goes to the writer threads encoding and writing the
 * previous run (measured on 2 cores: a bake of 4,096 images in 1.83 s against 2.31 s). Load a `Generator`
 * you pass as `model` with them too: `Generator.load(m, { sessionOptions: BAKE_SESSION_OPTIONS })`.
 */
export const BAKE_SESSION_OPTIONS = Object.freeze({ extra: { session: { intra_op: { allow_spinning: '0' } } } })

/** One image to bake. */
interface Item {
  seed: Seed
  label: string | null
  file: string
  key: string
}

/**
 * Generate images at build time: one file per seed (and label), named `<model>-<seed>[-<label>].<ext>`,
 * with a `gan-manifest.json` listing them. Content-addressed: a re-run with nothing changed runs no
 * inference and rewrites nothing; every write is atomic, and finished images are cached by key, so
 * a killed bake resumes where it stopped. `shard` splits a bake across machines; `gan-sdk bake
 * merge` joins their manifests.
 */
export async function bake(options: BakeOptions): Promise<BakeResult> {
  const started = performance.now()
  const opts = resolveBakeOptions(options)
  const generator =
    opts.model instanceof GeneratorBase ? opts.model : await Generator.load(opts.model, { sessionOptions: BAKE_SESSION_OPTIONS })
  try {
    const { labels: classes, labelInput } = generator.info
    if (opts.labels !== undefined && labelInput === undefined) {
      throw new GanError(
        'ERR_INVALID_LABEL',
        `labels ${describeValue(opts.labels)} given, but this model is unconditional: leave labels out.`,
      )
    }
    const labelNames = opts.labels?.map((l) => classes[labelIndex(l, classes)]!)
    const prefix = modelPrefix(opts.model, generator.info.name)
    const keyParts = {
      modelSha256: generator.sha256,
      truncation: opts.truncation,
      format: opts.format,
      size: opts.size ?? null,
      quality: opts.quality,
      sdkVersion: SDK_VERSION,
    }
    const all: Item[] = opts.seeds.flatMap((seed) =>
      (labelNames ?? [labelInput === undefined ? null : classes[seedToInteger(seed) % classes.length]!]).map((label) => ({
        seed,
        label,
        file: `${prefix}-${fileStem(seed)}${label === null ? '' : `-${fileStem(label)}`}.${opts.format}`,
        key: bakeKey({ ...keyParts, seed, label }),
      })),
    )
    const items = opts.shard === undefined ? all : shardItems(all, opts.shard)
    const outDir = resolve(opts.outDir)
    const cache = new BakeCache(opts.cacheDir)
    await Promise.all([removeStaleTempFiles(outDir), cache.removeStaleTempFiles()])
    const previous = await readBakeManifest(join(outDir, manifestFile(opts.shard)))
    const before = new Map(previous?.images.map((entry) => [entry.file, entry]))
    opts.onProgress({ type: 'start', total: items.length, outDir, model: generator.info.name, shard: opts.shard ?? null })

    const images: BakedImage[] = []
    const record = (image: BakedImage) => {
      images.push(image)
      opts.onProgress({ type: 'image', image, done: images.length, total: items.length })
    }
    const toGenerate: Array<{ item: Item; reason: BakeReason }> = []
    const [present, entries] = await Promise.all([listFiles(outDir), cache.entries()])
    await forEachLimited(items, 32, async (item) => {
      const path = join(outDir, item.file)
      const existing = present.has(item.file) ? await readFile(path).catch(() => undefined) : undefined
      const existingSha = existing === undefined ? undefined : sha256Hex(existing)
      const entry = before.get(item.file)
      if (existing !== undefined && entry?.key === item.key && existingSha === entry.sha256) {
        record(await describe(item, path, existing, existingSha, true, 'unchanged'))
        return
      }
      const reason: BakeReason =
        entry === undefined
          ? 'new'
          : entry.key !== item.key
            ? previous!.model.sha256 !== generator.sha256
              ? 'model changed'
              : 'options changed'
            : existing === undefined
              ? 'file missing'
              : 'file changed'
      const sha256 = entries.get(item.key)
      const cached = sha256 === undefined ? undefined : await cache.get(item.key, sha256)
      if (sha256 === undefined || cached === undefined) {
        toGenerate.push({ item, reason })
        return
      }
      // A bake killed after writing this file but before its manifest: the file is already right.
      const unchanged = existingSha === sha256
      if (!unchanged)
        await cache.linkTo(item.key, sha256, path).catch((err: NodeJS.ErrnoException) => {
          throw writeError(path, err.code ?? err.message, err)
        })
      record(await describe(item, path, cached, sha256, true, unchanged ? 'unchanged' : reason))
    })
    // Generate in the bake's order, whatever order the checks above finished in.
    const position = new Map(items.map((item, i) => [item, i]))
    toGenerate.sort((a, b) => position.get(a.item)! - position.get(b.item)!)

    // Inference of run k+1 overlaps the encoding and writing of run k (in the writer threads, and sharp's).
    const writer = await createImageWriter({ format: opts.format, size: opts.size, quality: opts.quality ?? 0, workers: opts.concurrency })
    try {
      let pending: Promise<void> = Promise.resolve()
      for (let start = 0; start < toGenerate.length; start += opts.batchSize) {
        const run = toGenerate.slice(start, start + opts.batchSize)
        const generated = await generator.generateBatch(
          run.map(({ item }) => item.seed),
          { truncation: opts.truncation, ...(labelInput === undefined ? {} : { label: run.map(({ item }) => item.label!) }) },
        )
        const writing = writer.write(
          generated,
          run.map(({ item }) => ({ entryPrefix: cache.entryPrefix(item.key), out: join(outDir, item.file) })),
        )
        await pending
        pending = writing.then((written) =>
          run.forEach(({ item, reason }, i) => {
            const result = written[i]!
            if ('failed' in result) throw writeError(result.failed.path, result.failed.code)
            const { width, height } = opts.size === undefined ? generated[i]! : { width: opts.size, height: opts.size }
            const { sha256, bytes } = result
            record({ ...entryOf(item, width, height, bytes, sha256), path: join(outDir, item.file), cached: false, reason })
          }),
        )
      }
      await pending
    } finally {
      await writer.close()
    }

    const order = new Map(items.map((item, i) => [item.file, i]))
    images.sort((a, b) => order.get(a.file)! - order.get(b.file)!)
    const manifest = await writeBakeManifest(outDir, {
      format: BAKE_MANIFEST_FORMAT,
      version: BAKE_MANIFEST_VERSION,
      sdkVersion: SDK_VERSION,
      model: { name: generator.info.name, sha256: generator.sha256 },
      options: { format: opts.format, size: opts.size ?? null, truncation: opts.truncation, quality: opts.quality },
      ...(opts.shard === undefined ? {} : { shard: { ...opts.shard, bake: sha256Hex(JSON.stringify(all.map((item) => item.key))) } }),
      images: images.map(({ file, seed, label, width, height, bytes, sha256, key }) => ({
        file,
        seed,
        label,
        width,
        height,
        bytes,
        sha256,
        key,
      })),
    })
    const cachedCount = images.filter((i) => i.cached).length
    const reasons: Partial<Record<BakeReason, number>> = {}
    for (const image of images) reasons[image.reason] = (reasons[image.reason] ?? 0) + 1
    const summary = { baked: images.length - cachedCount, cached: cachedCount, failed: 0 }
    opts.onProgress({ type: 'done', ...summary, reasons, manifest, ms: Math.round(performance.now() - started) })
    return { images, manifest, ...summary }
  } finally {
    if (!(opts.model instanceof GeneratorBase)) await generator.dispose()
  }
}

/** Runs `fn` on every item, at most `limit` at once. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}

/** The names in `dir`, none when it does not exist yet. */
async function listFiles(dir: string): Promise<Set<string>> {
  return new Set(await readdir(dir).catch(() => [] as string[]))
}

/** The error for a file a bake could not write: the path, the system's code, the fix. */
function writeError(path: string, code: string, cause?: unknown): GanError {
  return new GanError('ERR_WRITE', `cannot write ${JSON.stringify(path)} (${code}): pass an outDir (and cacheDir) you can write to.`, {
    cause,
  })
}

/** A file already on disk as the bake returns it: its size read from the file's header (PNG, WebP, AVIF all state it). */
async function describe(
  item: Item,
  path: string,
  bytes: Uint8Array,
  sha256: string,
  cached: boolean,
  reason: BakeReason,
): Promise<BakedImage> {
  const { width, height } = await imageSize(bytes)
  return { ...entryOf(item, width, height, bytes.byteLength, sha256), path, cached, reason }
}

/** The image's manifest entry. */
function entryOf(item: Item, width: number, height: number, bytes: number, sha256: string): BakedImageEntry {
  return { file: item.file, seed: item.seed, label: item.label, width, height, bytes, sha256, key: item.key }
}

/** Width and height of a PNG (its IHDR), else of any format sharp reads. */
async function imageSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return { width: view.getUint32(16), height: view.getUint32(20) }
  }
  const sharp = await loadSharp({ format: 'webp', size: undefined, quality: 0, workers: 1 })
  const { width = 0, height = 0 } = await sharp(bytes).metadata()
  return { width, height }
}

/** The file-name prefix: the bundled name or file name the model was loaded by, else its contract name. */
function modelPrefix(model: BakeOptions['model'], name: string): string {
  const given = typeof model === 'string' ? basename(model) : model instanceof URL ? basename(model.pathname) : name.split('/').at(-1)!
  const stem = given.replace(/\.onnx$/i, '')
  return stem.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'
}

/** Validate bake options from untyped callers (JavaScript, CLI flags), filling in the defaults. Never mutates `input`. */
export function resolveBakeOptions(input: BakeOptions) {
  if (input === null || typeof input !== 'object')
    throw invalid(`bake options ${describeValue(input)} are not an object`, "pass at least { seeds: '0-9', outDir: 'public/gan' }")
  const unknown = Object.keys(input).find((k) => !KEYS.includes(k))
  if (unknown !== undefined) throw invalid(`bake option ${describeValue(unknown)} is unknown`, `valid options are: ${KEYS.join(', ')}`)
  const {
    model = 'mnist',
    seeds,
    labels,
    truncation = 1,
    format = 'png',
    size,
    quality,
    outDir,
    cacheDir,
    concurrency = DEFAULT_BAKE_CONCURRENCY,
    batchSize = 256,
    shard,
    onProgress = () => {},
  } = input
  if (typeof outDir !== 'string' || outDir === '')
    throw invalid(`outDir ${describeValue(outDir)} is invalid`, 'pass the directory to write the images to')
  checkTruncation(truncation)
  if (!BAKE_FORMATS.includes(format)) throw invalid(`format ${describeValue(format)} is unknown`, `pass one of: ${BAKE_FORMATS.join(', ')}`)
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 1 || size > 4096))
    throw invalid(`size ${describeValue(size)} is invalid`, 'pass the side in pixels, 1 to 4096')
  if (quality !== undefined && (format === 'png' || !Number.isSafeInteger(quality) || quality < 1 || quality > 100)) {
    throw invalid(
      `quality ${describeValue(quality)} is invalid${format === 'png' ? ' for PNG, which is lossless' : ''}`,
      format === 'png' ? 'leave it out' : 'pass 1 to 100',
    )
  }
  for (const [name, value] of [
    ['concurrency', concurrency],
    ['batchSize', batchSize],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw invalid(`${name} ${describeValue(value)} is invalid`, 'pass a positive integer')
  }
  if (labels !== undefined && (!Array.isArray(labels) || labels.length === 0))
    throw new GanError('ERR_INVALID_LABEL', `labels ${describeValue(labels)} are invalid: pass a non-empty list of class names or indices.`)
  if (typeof onProgress !== 'function') throw invalid(`onProgress ${describeValue(onProgress)} is not a function`, 'pass (event) => …')
  return {
    model,
    seeds: parseSeedSpec(seeds),
    labels,
    truncation,
    format,
    size,
    quality: format === 'png' ? null : (quality ?? (format === 'webp' ? 90 : 60)),
    outDir,
    cacheDir: cacheDir ?? join(process.cwd(), 'node_modules', '.cache', 'gan-sdk', 'bake'),
    concurrency,
    batchSize,
    shard: shard === undefined ? undefined : parseShard(shard),
    onProgress,
  }
}

function invalid(what: string, fix: string): GanError {
  return new GanError('ERR_INVALID_OPTION', `${what}: ${fix}.`)
}
