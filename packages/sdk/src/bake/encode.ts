import { availableParallelism } from 'node:os'
import { GanError } from '../core/errors.js'
import { RgbaImage, type GeneratedImage } from '../core/image.js'
import { WorkerPool } from '../core/worker-pool.js'
import { nodeWorkerPort } from '../node/worker-port.js'

/** The image formats a bake writes. */
export const BAKE_FORMATS = ['png', 'webp', 'avif'] as const
export type BakeFormat = (typeof BAKE_FORMATS)[number]

export interface EncodeSettings {
  format: BakeFormat
  /** Resize to size × size pixels (sharp, Lanczos 3); undefined keeps the model's size. */
  size: number | undefined
  /** WebP/AVIF quality, 1–100. */
  quality: number
  /** Writer threads (PNG encoding, hashing, the file system calls). */
  workers: number
}

/** Where one image goes: its cache entry (the prefix, to which the writer appends the bytes' SHA-256) and its output file. */
export interface WriteTarget {
  entryPrefix: string
  out: string
}

/** One image as written: its bytes' hash and size, or the path that could not be written and why. */
export type Written = { sha256: string; bytes: number } | { failed: { path: string; code: string } }

/** Encodes runs of images and writes them to the cache and the output, with their provenance. */
export interface ImageWriter {
  write(images: readonly GeneratedImage[], targets: readonly WriteTarget[]): Promise<Written[]>
  close(): Promise<void>
}

/** Writer threads by default: the cores but one, which runs inference; at least two, as much of their time is spent waiting on the file system. */
export const DEFAULT_BAKE_CONCURRENCY = Math.max(2, availableParallelism() - 1)

/** The part of sharp's API a bake uses (sharp is an optional peer dependency: typed here, loaded on demand). */
interface SharpPipeline {
  resize(width: number, height: number, options: { fit: 'fill'; kernel: 'lanczos3' }): SharpPipeline
  raw(): SharpPipeline
  withXmp(xmp: string): SharpPipeline
  webp(options: { quality: number }): SharpPipeline
  avif(options: { quality: number }): SharpPipeline
  toBuffer(): Promise<Buffer>
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Buffer }>
  metadata(): Promise<{ width?: number; height?: number }>
}
export type Sharp = (input: Uint8Array, options?: { raw: { width: number; height: number; channels: 4 } }) => SharpPipeline

/** The module name, in a variable: the type checker does not look for an optional peer. */
const SHARP = 'sharp'

/** What a writer thread takes per image (write-worker.js): the PNG's input to encode, or bytes sharp encoded. */
interface FileToWrite extends WriteTarget {
  png?: ReturnType<RgbaImage['pngInput']>
  bytes?: Uint8Array
}

/**
 * The writer for `settings`: a pool of worker threads that encode PNGs at the model's size
 * (fast-png, the provenance in a tEXt chunk), hash them and write them; resizing, WebP and AVIF
 * through sharp, an optional peer dependency (the provenance in XMP for WebP/AVIF, in tEXt for
 * PNG), whose bytes the same threads then hash and write.
 */
export async function createImageWriter(settings: EncodeSettings): Promise<ImageWriter> {
  const sharp = settings.format === 'png' && settings.size === undefined ? undefined : await loadSharp(settings)
  const pool = await WorkerPool.start<{ files: FileToWrite[] }, Written[]>(
    () => nodeWorkerPort(new URL('./write-worker.js', import.meta.url)),
    settings.workers,
  )
  return {
    async write(images, targets) {
      const files: FileToWrite[] =
        sharp === undefined
          ? images.map((image, i) => ({ ...targets[i]!, png: image.pngInput() }))
          : await Promise.all(images.map(async (image, i) => ({ ...targets[i]!, ...(await encodeWithSharp(sharp, image, settings)) })))
      // One message per worker: each writes its part, in parallel with the others and with the model's next run.
      const per = Math.ceil(files.length / pool.size)
      const parts = Array.from({ length: Math.ceil(files.length / per) }, (_, i) => files.slice(i * per, (i + 1) * per))
      return (await Promise.all(parts.map((part) => pool.request({ files: part })))).flat()
    },
    close: async () => pool.terminate(),
  }
}

/** The file's bytes from sharp: resized when asked, as PNG, WebP or AVIF. */
async function encodeWithSharp(
  sharp: Sharp,
  image: GeneratedImage,
  settings: EncodeSettings,
): Promise<{ png: ReturnType<RgbaImage['pngInput']> } | { bytes: Uint8Array }> {
  const resized = await resize(sharp, image, settings)
  if (settings.format === 'png') return { png: resized.pngInput() }
  const pipeline = sharp(resized.data, { raw: { width: resized.width, height: resized.height, channels: 4 } })
  const provenance = resized.provenance
  if (provenance !== undefined) pipeline.withXmp(provenanceXmp(JSON.stringify(provenance)))
  const out =
    settings.format === 'webp'
      ? await pipeline.webp({ quality: settings.quality }).toBuffer()
      : await pipeline.avif({ quality: settings.quality }).toBuffer()
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) }
}

export async function loadSharp(settings: EncodeSettings): Promise<Sharp> {
  try {
    return (await import(SHARP)).default as Sharp
  } catch (err) {
    const why = settings.format !== 'png' ? `format ${settings.format}` : `size ${settings.size}`
    throw new GanError(
      'ERR_MISSING_DEPENDENCY',
      `${why} needs sharp, an optional peer dependency of gan-sdk that is not installed: npm i sharp (or bake PNGs at the model's size, which need nothing).`,
      { cause: err },
    )
  }
}

/** The image at size × size (RGBA, Lanczos 3), keeping its provenance. */
async function resize(sharp: Sharp, image: GeneratedImage, settings: EncodeSettings): Promise<RgbaImage> {
  if (settings.size === undefined) return image
  const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(settings.size, settings.size, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return new ResizedImage(settings.size, image, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
}

/** A resized generated image: new pixels, the original's channels and provenance. */
class ResizedImage extends RgbaImage {
  constructor(
    size: number,
    readonly original: GeneratedImage,
    data: Uint8Array,
  ) {
    super(size, size, original.channels, data)
  }

  override get provenance() {
    return this.original.provenance
  }
}

/** XMP carrying the provenance JSON, for formats without PNG's tEXt chunks. */
export function provenanceXmp(json: string): string {
  const escaped = json.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:gansdk="urn:gan-sdk:provenance:1" gansdk:provenance="${escaped}"/></rdf:RDF></x:xmpmeta>`
}
