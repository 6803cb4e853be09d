import { describeValue } from 'gan-sdk/core'
import { basename, resolve } from 'node:path'
import { TrainError } from '../errors.js'
import type { ImageDataset } from './dataset.js'
import { decodeImages, type SkippedImage } from './decode-images.js'
import { FITS, MIN_SIDE, type ImageShape } from './decode-image.js'
import { BUILTIN_DATASETS, isBuiltinDataset, type BuiltinDataset } from './builtin-datasets.js'
import { EMOJI_LICENSE, loadEmoji } from './emoji.js'
import { loadFolder } from './folder.js'
import { IMAGE_FORMATS } from './image-files.js'
import { loadMnist } from './mnist.js'

/** Where a run's images come from, as resolved from the `dataset` option. */
export type DatasetSource = { kind: BuiltinDataset } | { kind: 'folder'; path: string } | { kind: 'memory'; dataset: ImageDataset }

/**
 * The source a dataset name names: a built-in set, or else a folder of images (relative to the
 * working directory). `option` is the option or flag the name came from, for the error.
 * @throws TrainError `ERR_INVALID_OPTION` for an empty name, which would name the working directory.
 */
export function namedDatasetSource(name: string, option: string): DatasetSource {
  if (name === '') {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `${option} "" is empty: use ${BUILTIN_DATASETS.join(', ')} or the path of a folder of images.`,
    )
  }
  return isBuiltinDataset(name) ? { kind: name } : { kind: 'folder', path: name }
}

/** A dataset ready to train on, with the images that were skipped on the way. */
export interface LoadedDataset {
  dataset: ImageDataset
  skipped: SkippedImage[]
  /** Whether these are images training never sees: the `test` split of a built-in set. */
  heldOut: boolean
}

/** Licence recorded for a folder of the user's own images, whose licence the trainer cannot know. */
export const UNKNOWN_LICENSE = 'unknown'

/**
 * Which images of a dataset: those training learns from, or the built-in sets' held-out ones (for
 * scoring). Folders and in-memory datasets hold nothing out: their `test` is every image.
 */
export type DatasetSplit = 'train' | 'test'

/**
 * Load the images of `source` at `shape` (in-memory datasets are taken as they are). MNIST at its
 * own 28×28×1 keeps its exact values; at another size or channel count it is resampled like any
 * image. A conditional run needs at least two classes.
 * @throws TrainError `ERR_DATASET` when fewer than two usable images remain, or the classes do not suit.
 */
export async function loadDataset(
  source: DatasetSource,
  shape: ImageShape,
  conditional: boolean,
  split: DatasetSplit = 'train',
): Promise<LoadedDataset> {
  let dataset: ImageDataset
  let skipped: SkippedImage[] = []
  if (source.kind === 'memory') {
    dataset = source.dataset
  } else if (source.kind === 'mnist') {
    dataset = loadMnist(split)
    if (shape.size !== 28 || shape.channels !== 1) dataset = await resample(dataset, shape)
  } else {
    const loaded =
      source.kind === 'folder'
        ? await loadFolder(source.path, shape, { conditional })
        : await loadEmoji(shape, split, source.kind === 'emoji' ? 'category' : 'subcategory')
    skipped = loaded.skipped
    dataset = {
      name: source.kind === 'folder' ? basename(resolve(source.path)) : source.kind,
      width: shape.size,
      height: shape.size,
      channels: shape.channels,
      pixels: loaded.pixels,
      labels: loaded.labels,
      classNames: loaded.classNames,
      count: loaded.count,
      license: source.kind === 'folder' ? UNKNOWN_LICENSE : EMOJI_LICENSE,
    }
  }
  const where = source.kind === 'folder' ? describeValue(source.path) : `dataset ${describeValue(dataset.name)}`
  if (dataset.count < 2) {
    const why = skipped.length > 0 ? ` (${skipped.length} skipped: ${describeSkipped(skipped)})` : ''
    throw new TrainError(
      'ERR_DATASET',
      `${where} has ${dataset.count === 0 ? 'no usable images' : 'only one usable image'}${why}: a GAN needs many images (hundreds at least) of ${IMAGE_FORMATS}.`,
    )
  }
  if (conditional) {
    const present = new Set(dataset.labels).size
    if (dataset.classNames.length < 2 || present < dataset.classNames.length) {
      throw new TrainError(
        'ERR_DATASET',
        `a conditional run needs images of at least two classes and of every class named, but ${where} has ${present} of ${dataset.classNames.length} (${describeValue(dataset.classNames)}): fix the classes or leave out conditional.`,
      )
    }
  }
  return { dataset, skipped, heldOut: split === 'test' && source.kind !== 'folder' && source.kind !== 'memory' }
}

/**
 * The images of a built-in set (`mnist`, `emoji`, `emoji-subcategories`) or of a folder, as training
 * loads them, with their classes: for your own scoring classifier (`trainClassifier`), say.
 * `split: 'test'` gives the built-in sets' held-out images (a folder holds none out: every image).
 * A folder's classes are its subfolders; loose images make one class.
 * @throws TrainError `ERR_INVALID_OPTION` for an empty name or an invalid shape, `ERR_DATASET` when fewer than two usable images remain.
 */
export async function loadImages(data: string, shape: ImageShape, split: DatasetSplit = 'train'): Promise<ImageDataset> {
  const { size, channels, fit } = (shape ?? {}) as Partial<ImageShape>
  if (!Number.isInteger(size) || size! < MIN_SIDE || ![1, 3, 4].includes(channels!) || !FITS.includes(fit!)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `shape ${describeValue(shape)} is invalid: pass { size, channels, fit }, size an integer ≥ ${MIN_SIDE} (the square side), channels 1, 3 or 4, fit ${FITS.map((f) => `'${f}'`).join(' or ')}.`,
    )
  }
  return (await loadDataset(namedDatasetSource(data, 'data'), shape, false, split)).dataset
}

/** The first few skipped images, for messages and events: "a.png (unreadable), b.jpg (too small)". */
export function describeSkipped(skipped: readonly SkippedImage[], max = 3): string {
  const shown = skipped.slice(0, max).map((s) => `${s.name} (${s.reason}: ${s.detail})`)
  return skipped.length > max ? `${shown.join(', ')}, …` : shown.join(', ')
}

/** An in-memory float dataset at another size or channel count, through the same decoder as image files. */
async function resample(ds: ImageDataset, shape: ImageShape): Promise<ImageDataset> {
  const size = ds.width * ds.height * ds.channels
  const bytes = ds.pixels instanceof Uint8Array ? ds.pixels : Uint8Array.from(ds.pixels, (v) => Math.round(v * 255))
  const loaded = await decodeImages(
    Array.from({ length: ds.count }, (_, n) => ({
      name: `#${n}`,
      source: bytes.subarray(n * size, (n + 1) * size),
      raw: { width: ds.width, height: ds.height, channels: ds.channels },
      label: ds.labels[n]!,
    })),
    shape,
  )
  return {
    ...ds,
    width: shape.size,
    height: shape.size,
    channels: shape.channels,
    pixels: loaded.pixels,
    labels: loaded.labels,
    count: loaded.count,
  }
}
