import { cpus } from 'node:os'
import { decodeImage, type ImageShape, type SkipReason } from './decode-image.js'

/** One image to load: its name in reports, the file (or raw pixels) and its class index. */
export interface ImageSource {
  name: string
  source: string | Uint8Array
  raw?: { width: number; height: number; channels: 1 | 2 | 3 | 4 }
  label: number
}

/** A skipped image, as reported: its name, why, and what was found. */
export interface SkippedImage {
  name: string
  reason: SkipReason
  detail: string
}

/** Images decoded into the compact byte form, with the ones that could not be used. */
export interface LoadedImages {
  pixels: Uint8Array
  labels: Uint8Array
  count: number
  classNames: readonly string[]
  skipped: SkippedImage[]
}

/**
 * Decode `sources` at `shape` into one byte array, in the order given (a few at a time: sharp works
 * on libuv's threads). Skipped images leave no gap; `classNames` is left for the caller to fill.
 */
export async function decodeImages(sources: readonly ImageSource[], shape: ImageShape): Promise<LoadedImages> {
  const results = new Array<Awaited<ReturnType<typeof decodeImage>>>(sources.length)
  let next = 0
  const worker = async () => {
    while (next < sources.length) {
      const i = next++
      const s = sources[i]!
      results[i] = await decodeImage(s.source, shape, s.raw)
    }
  }
  await Promise.all(Array.from({ length: Math.max(2, cpus().length * 2) }, worker))
  const imageSize = shape.size * shape.size * shape.channels
  const kept = results.filter((r) => 'pixels' in r).length
  const pixels = new Uint8Array(kept * imageSize)
  const labels = new Uint8Array(kept)
  const skipped: SkippedImage[] = []
  let n = 0
  results.forEach((r, i) => {
    if ('pixels' in r) {
      pixels.set(r.pixels, n * imageSize)
      labels[n++] = sources[i]!.label
    } else {
      skipped.push({ name: sources[i]!.name, reason: r.skipped, detail: r.detail })
    }
  })
  return { pixels, labels, count: kept, classNames: [], skipped }
}
