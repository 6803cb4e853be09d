import { describeValue } from 'gan-sdk/core'
import { stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import { TrainError } from '../errors.js'
import { BUILTIN_DATASETS } from './builtin-datasets.js'
import { decodeImages, type LoadedImages } from './decode-images.js'
import type { ImageShape } from './decode-image.js'
import { byCodePoint, findImageFiles, IMAGE_FORMATS } from './image-files.js'

/** The most classes a dataset can have: labels are stored as bytes. */
export const MAX_CLASSES = 256

/**
 * Load every PNG, JPEG, WebP, GIF (first frame), AVIF and TIFF image under `root` (recursively) at
 * `shape`. The class of an image is the top-level sub-folder it sits in (`root/cat/…`, `root/dog/…`);
 * `conditional` requires that every image sits in one and that there are at least two. Unusable
 * images, and images in formats that are not read (BMP, HEIC, SVG, …), are skipped and reported.
 * @throws TrainError `ERR_DATASET` for a folder that does not exist or has fewer than two usable images.
 */
export async function loadFolder(root: string, shape: ImageShape, options: { conditional: boolean }): Promise<LoadedImages> {
  const dir = resolve(root)
  const info = await stat(dir).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new TrainError(
      'ERR_DATASET',
      `dataset ${describeValue(root)} is neither a built-in dataset (${BUILTIN_DATASETS.join(', ')}) nor a folder: pass a folder of ${IMAGE_FORMATS} images.`,
    )
  }
  const { images: files, unread } = await findImageFiles(dir)
  const classOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined)
  const loose = files.filter((f) => classOf(f) === undefined)
  const classNames = loose.length > 0 ? [basename(dir)] : [...new Set(files.map((f) => classOf(f)!))]
  if (options.conditional) {
    if (loose.length > 0) {
      throw new TrainError(
        'ERR_DATASET',
        `--conditional takes each image's class from its sub-folder, but ${loose.length} image(s) sit directly in ${describeValue(root)} (e.g. ${describeValue(loose[0])}): move them into one sub-folder per class.`,
      )
    }
    if (classNames.length < 2) {
      throw new TrainError(
        'ERR_DATASET',
        `--conditional needs at least two classes, one sub-folder each, but ${describeValue(root)} has ${classNames.length === 0 ? 'none' : `only ${describeValue(classNames[0])}`}: add sub-folders or leave out --conditional.`,
      )
    }
  }
  if (classNames.length > MAX_CLASSES) {
    throw new TrainError(
      'ERR_DATASET',
      `${describeValue(root)} has ${classNames.length} sub-folders; at most ${MAX_CLASSES} classes are supported.`,
    )
  }
  const label = (file: string) => (loose.length > 0 ? 0 : classNames.indexOf(classOf(file)!))
  const loaded = await decodeImages(
    files.map((file) => ({ name: file, source: join(dir, file), label: label(file) })),
    shape,
  )
  const notRead = unread.map((name) => ({
    name,
    reason: 'unsupported format' as const,
    detail: `${extname(name).slice(1).toUpperCase()} is not read: convert it to PNG`,
  }))
  const skipped = [...notRead, ...loaded.skipped].sort((a, b) => byCodePoint(a.name, b.name))
  return { ...loaded, classNames, skipped }
}
