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
  /** PNG encoder threads. */
  workers: number
}

/** Encodes a run of images into their files' bytes, with their provenance. */
export interface ImageEncoder {
  encode(images: readonly GeneratedImage[]): Promise<Uint8Array[]>
  close(): Promise<void>
}

/** PNG encoder threads by default: the cores but one, which runs inference. */
export const DEFAULT_ENCODE_WORKERS = Math.max(1, availableParallelism() - 1)

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

/**
 * The encoder for `settings`: PNGs at the model's size in a pool of worker threads (fast-png, the
 * provenance in a tEXt chunk); resizing, WebP and AVIF through sharp, an optional peer dependency
 * (the provenance in XMP for WebP/AVIF, in tEXt for PNG).
 */
export async function createEncoder(settings: EncodeSettings): Promise<ImageEncoder> {
  const sharp = settings.format === 'png' && settings.size === undefined ? undefined : await loadSharp(settings)
  const pool =
    settings.format === 'png'
      ? await WorkerPool.start<{ inputs: unknown[] }, Uint8Array[]>(
          () => nodeWorkerPort(new URL('./encode-worker.js', import.meta.url)),
          settings.workers,
        )
      : undefined
  return {
    async encode(images) {
      const ready = sharp === undefined ? images : await Promise.all(images.map((image) => resize(sharp, image, settings)))
      if (pool !== undefined) return encodePngs(pool, ready)
      return Promise.all(ready.map((image) => encodeWithSharp(sharp!, image, settings)))
    },
    close: async () => pool?.terminate(),
  }
}

/** PNGs from the pool: the run split into one part per worker, each part one message. */
async function encodePngs(pool: WorkerPool<{ inputs: unknown[] }, Uint8Array[]>, images: readonly RgbaImage[]): Promise<Uint8Array[]> {
  const per = Math.ceil(images.length / pool.size)
  const parts = Array.from({ length: Math.ceil(images.length / per) }, (_, i) => images.slice(i * per, (i + 1) * per))
  const encoded = await Promise.all(parts.map((part) => pool.request({ inputs: part.map((image) => image.pngInput()) })))
  return encoded.flat()
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

async function encodeWithSharp(sharp: Sharp, image: RgbaImage, settings: EncodeSettings): Promise<Uint8Array> {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
  const provenance = image.provenance
  if (provenance !== undefined) pipeline.withXmp(provenanceXmp(JSON.stringify(provenance)))
  const out =
    settings.format === 'webp'
      ? await pipeline.webp({ quality: settings.quality }).toBuffer()
      : await pipeline.avif({ quality: settings.quality }).toBuffer()
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** XMP carrying the provenance JSON, for formats without PNG's tEXt chunks. */
export function provenanceXmp(json: string): string {
  const escaped = json.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:gansdk="urn:gan-sdk:provenance:1" gansdk:provenance="${escaped}"/></rdf:RDF></x:xmpmeta>`
}
