/** An in-memory image dataset: pixel values in [0, 1], NHWC, row-major. */
export interface ImageDataset {
  name: string
  width: number
  height: number
  channels: 1 | 3 | 4
  /** `count * height * width * channels` floats in [0, 1]. */
  pixels: Float32Array
  /** Class index per image. */
  labels: Uint8Array
  /** Class names, indexed by label. */
  classNames: readonly string[]
  count: number
  license: string
}

/** The images of `ds` whose indices are listed, as a new dataset. */
export function subset(ds: ImageDataset, indices: readonly number[]): ImageDataset {
  const size = ds.width * ds.height * ds.channels
  const pixels = new Float32Array(indices.length * size)
  const labels = new Uint8Array(indices.length)
  indices.forEach((src, dst) => {
    pixels.set(ds.pixels.subarray(src * size, (src + 1) * size), dst * size)
    labels[dst] = ds.labels[src]!
  })
  return { ...ds, pixels, labels, count: indices.length }
}
