import { removeStaleTempFiles, writeFileAtomic } from '@gan-sdk/internal'
import { join } from 'node:path'
import { GanError } from '../core/errors.js'
import type { Label } from '../core/generate-options.js'
import type { GeneratorBase } from '../core/generator.js'
import type { Seed } from '../core/seed.js'
import { fileStem } from './file-names.js'

/** Seeds per session run: a single run for the usual counts, bounded memory for large ones. */
export const RUN_SIZE = 256

/** What {@link writeSeedImages} reports per file it wrote, in seed order. */
export interface ImageWrittenEvent {
  type: 'image'
  seed: Seed
  /** The image's class, for a conditional model. */
  label?: string
  /** The PNG's path: `out/<seed>.png`, or `out/<seed>-<label>.png` when a label was asked for. */
  file: string
  width: number
  height: number
}

export interface WriteSeedImagesOptions {
  /** First seed: an integer gives `count` consecutive seeds, a string names one image. */
  seed: Seed
  /** Number of images. @default 1 */
  count?: number
  /** The class of a conditional model's images. @default each seed's own class */
  label?: Label
  /** Output directory, created if missing. */
  out: string
  /** Receives one event per file written. @default ignore them */
  onImage?: (event: ImageWrittenEvent) => void
}

/**
 * Generate seeds `seed … seed + count − 1` (or the one string seed) and write each as
 * `out/<seed>.png` (`out/<seed>-<label>.png` with a `label`, so classes do not overwrite each other), atomically, {@link RUN_SIZE} seeds per model run. A file that cannot be written
 * is a GanError `ERR_WRITE` naming the path. First removes the temp files (`<seed>.png.<host>-<pid>-<thread>-<n>.gan.tmp`)
 * that a killed earlier run left in `out`.
 */
export async function writeSeedImages(generator: GeneratorBase, options: WriteSeedImagesOptions): Promise<void> {
  const { seed: first, count = 1, label, out, onImage = () => {} } = options
  await removeStaleTempFiles(out)
  for (let done = 0; done < count; done += RUN_SIZE) {
    const size = Math.min(RUN_SIZE, count - done)
    const seeds = typeof first === 'number' ? Array.from({ length: size }, (_, i) => first + done + i) : [first]
    const images = await generator.generateBatch(seeds, { label })
    const files = images.map((image, i) => join(out, seedFileName(seeds[i]!, label === undefined ? undefined : image.label)))
    await Promise.all(images.map((image, i) => writePng(files[i]!, image.toPNG())))
    images.forEach((image, i) =>
      onImage({
        type: 'image',
        seed: seeds[i]!,
        ...(image.label !== undefined ? { label: image.label } : {}),
        file: files[i]!,
        width: image.width,
        height: image.height,
      }),
    )
  }
}

async function writePng(file: string, png: Uint8Array): Promise<void> {
  try {
    // No fsync: one flush per image would dominate runs of thousands of small PNGs.
    await writeFileAtomic(file, png, { fsync: false })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new GanError(
      'ERR_WRITE',
      `cannot write ${JSON.stringify(file)} (${code ?? (err as Error).message}): pass an --out directory you can write to, not a file or a path under one.`,
      { cause: err },
    )
  }
}

/** The file name for a seed: `<seed>.png`, or `<seed>-<label>.png`, each made safe by {@link fileStem}. */
export function seedFileName(seed: Seed, label?: string): string {
  return `${fileStem(seed)}${label === undefined ? '' : `-${fileStem(label)}`}.png`
}
