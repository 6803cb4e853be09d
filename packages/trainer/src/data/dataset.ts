import { describeValue } from 'gan-sdk/core'
import { TrainError } from '../errors.js'

/** An in-memory image dataset, NHWC, row-major. */
export interface ImageDataset {
  name: string
  width: number
  height: number
  channels: 1 | 3 | 4
  /**
   * `count * height * width * channels` values: floats in [0, 1], or bytes (0–255, meaning byte / 255),
   * the compact form that folder and emoji datasets load into (a quarter of the memory).
   */
  pixels: Float32Array | Uint8Array
  /** Class index per image. */
  labels: Uint8Array
  /** Class names, indexed by label: the classes of a conditional run. */
  classNames: readonly string[]
  count: number
  license: string
}

/** The images of `ds` whose indices are listed, as a new dataset. */
export function subset(ds: ImageDataset, indices: readonly number[]): ImageDataset {
  const size = ds.width * ds.height * ds.channels
  const pixels = ds.pixels instanceof Uint8Array ? new Uint8Array(indices.length * size) : new Float32Array(indices.length * size)
  const labels = new Uint8Array(indices.length)
  indices.forEach((src, dst) => {
    pixels.set(ds.pixels.subarray(src * size, (src + 1) * size), dst * size)
    labels[dst] = ds.labels[src]!
  })
  return { ...ds, pixels, labels, count: indices.length }
}

/**
 * Check that an in-memory dataset's fields agree, before training reads it: images to train on,
 * a shape, pixels for every image, and the name and licence that gan.json records.
 * @throws TrainError `ERR_DATASET` saying which field is wrong.
 */
export function checkDataset(ds: ImageDataset): void {
  if (ds === null || typeof ds !== 'object') {
    throw new TrainError('ERR_DATASET', `dataset ${describeValue(ds)} is neither a built-in name nor an ImageDataset object.`)
  }
  const where = `dataset ${describeValue(ds.name)}`
  if (typeof ds.name !== 'string' || ds.name === '') {
    throw new TrainError('ERR_DATASET', `${where}: name must be a non-empty string (gan.json records it), e.g. "digits".`)
  }
  if (typeof ds.license !== 'string' || ds.license === '') {
    throw new TrainError(
      'ERR_DATASET',
      `${where}: license is ${describeValue(ds.license)}; give the SPDX licence of the images, e.g. "CC0-1.0".`,
    )
  }
  for (const key of ['width', 'height', 'count'] as const) {
    if (!Number.isSafeInteger(ds[key]) || ds[key] < 1) {
      throw new TrainError('ERR_DATASET', `${where}: ${key} is ${describeValue(ds[key])}; it must be a positive integer.`)
    }
  }
  if (ds.channels !== 1 && ds.channels !== 3 && ds.channels !== 4) {
    throw new TrainError('ERR_DATASET', `${where}: channels is ${describeValue(ds.channels)}; it must be 1, 3 or 4.`)
  }
  const expected = ds.count * ds.height * ds.width * ds.channels
  const typed = ds.pixels instanceof Float32Array || ds.pixels instanceof Uint8Array
  if (!typed || ds.pixels.length !== expected) {
    const got =
      ds.pixels instanceof Float32Array
        ? `${ds.pixels.length} floats`
        : ds.pixels instanceof Uint8Array
          ? `${ds.pixels.length} bytes`
          : describeValue(ds.pixels)
    throw new TrainError(
      'ERR_DATASET',
      `${where}: pixels is ${got}, but count × height × width × channels = ${expected}; pass a Float32Array (values in [0, 1]) or a Uint8Array (bytes) of that length, NHWC.`,
    )
  }
  if (!(ds.labels instanceof Uint8Array) || ds.labels.length !== ds.count) {
    throw new TrainError('ERR_DATASET', `${where}: labels must be a Uint8Array with one class index per image (${ds.count}).`)
  }
  if (!Array.isArray(ds.classNames) || ds.classNames.length === 0 || ds.labels.some((l) => l >= ds.classNames.length)) {
    throw new TrainError('ERR_DATASET', `${where}: classNames must name every label in labels, e.g. ["cat", "dog"] for labels 0 and 1.`)
  }
}

/** The pixels of `ds` as floats in [0, 1] (a view of them when they already are). */
export function pixelsAsFloats(ds: Pick<ImageDataset, 'pixels'>): Float32Array {
  if (ds.pixels instanceof Float32Array) return ds.pixels
  return Float32Array.from(ds.pixels, (b) => b / 255)
}
