import * as tf from '@tensorflow/tfjs-core'

/**
 * The DiffAugment policies (Zhao et al. 2020): differentiable changes applied to every image the
 * discriminator sees, real and fake alike, so it cannot memorise a small dataset.
 * `color`: brightness ±0.5, saturation ×[0, 2], contrast ×[0.5, 1.5], in that order; `brightness`,
 * `saturation` and `contrast` each alone, so a colour policy can leave out a part (D shown every
 * image at a random saturation or contrast stops holding G to the data's colour or edges);
 * `translation`: a shift of up to 1/8 of the size, zero-filled; `cutout`: a square of half the
 * size set to zero.
 */
export type AugmentPolicy = 'translation' | 'cutout' | 'color' | ColorPart
export type ColorPart = 'brightness' | 'saturation' | 'contrast'
export const COLOR_PARTS: readonly ColorPart[] = ['brightness', 'saturation', 'contrast']
/** The policies that are not a part of another: `color` stands for all of {@link COLOR_PARTS}. */
export const WHOLE_POLICIES: readonly AugmentPolicy[] = ['translation', 'cutout', 'color']
export const AUGMENT_POLICIES: readonly AugmentPolicy[] = [...WHOLE_POLICIES, ...COLOR_PARTS]

/** Which rows of a larger batch `x` holds: a data-parallel replica augments its shard as the whole batch would. */
export interface BatchRows {
  /** Images in the whole batch: the draws are made for all of them, in order. */
  batch: number
  /** The whole batch's index of `x`'s first image. */
  offset: number
}

/**
 * Apply `policies` (in the paper's order: color, translation, cutout; `color` is its three parts)
 * to a batch in [-1, 1], with per-image random draws from `rand`. Gradients flow through to `x`.
 * Alpha (a fourth channel) is shifted and cut like colour but not recoloured. With `rows`, `x` is a
 * slice of a larger batch and gets the same augmentation as its images would have in that batch.
 */
export function diffAugment(x: tf.Tensor4D, policies: readonly AugmentPolicy[], rand: () => number, rows?: BatchRows): tf.Tensor4D {
  const at = rows ?? { batch: x.shape[0], offset: 0 }
  return tf.tidy(() => {
    let y = x
    const parts = policies.includes('color') ? COLOR_PARTS : COLOR_PARTS.filter((p) => policies.includes(p))
    if (parts.length > 0) y = color(y, parts, rand, at)
    if (policies.includes('translation')) y = translation(y, rand, at)
    if (policies.includes('cutout')) y = cutout(y, rand, at)
    return y
  })
}

/** One value per image of the whole batch, drawn in order; the tensor holds `x`'s rows. */
function perImage(rows: BatchRows, count: number, draw: () => number): tf.Tensor4D {
  const all = Float32Array.from({ length: rows.batch }, draw)
  return tf.tensor4d(all.subarray(rows.offset, rows.offset + count), [count, 1, 1, 1])
}

/** The colour `parts` in DiffAugment's order, each with its own draws: `color` draws as its three parts do. */
function color(x: tf.Tensor4D, parts: readonly ColorPart[], rand: () => number, rows: BatchRows): tf.Tensor4D {
  const [batch, , , channels] = x.shape
  const [rgb, alpha] = channels === 4 ? tf.split(x, [3, 1], 3) : [x, undefined]
  let y = rgb as tf.Tensor4D
  if (parts.includes('brightness')) {
    y = tf.add(
      y,
      perImage(rows, batch, () => rand() - 0.5),
    ) as tf.Tensor4D
  }
  if (parts.includes('saturation') && y.shape[3] > 1) {
    const mean = tf.mean(y, 3, true)
    y = tf.add(
      tf.mul(
        tf.sub(y, mean),
        perImage(rows, batch, () => rand() * 2),
      ),
      mean,
    ) as tf.Tensor4D
  }
  if (parts.includes('contrast')) {
    const mean = tf.mean(y, [1, 2, 3], true)
    y = tf.add(
      tf.mul(
        tf.sub(y, mean),
        perImage(rows, batch, () => rand() + 0.5),
      ),
      mean,
    ) as tf.Tensor4D
  }
  return alpha ? (tf.concat([y, alpha], 3) as tf.Tensor4D) : y
}

function translation(x: tf.Tensor4D, rand: () => number, rows: BatchRows): tf.Tensor4D {
  const [batch, height, width] = x.shape
  const sy = Math.floor(height * 0.125 + 0.5)
  const sx = Math.floor(width * 0.125 + 0.5)
  const shifts: Array<[number, number]> = []
  for (let b = 0; b < rows.batch; b++) {
    const dy = Math.floor(rand() * (2 * sy + 1)) - sy
    const dx = Math.floor(rand() * (2 * sx + 1)) - sx
    const row = b - rows.offset
    if (row >= 0 && row < batch) shifts.push([dy, dx])
  }
  return shiftImages(x, shifts)
}

/**
 * Image b of `x` moved down `shifts[b][0]` and right `shifts[b][1]` pixels, zero-filled, as one
 * gather of pixels, whose gradient is the gather that moves them back (a slice per image has a
 * gradient per image, each a pad to the whole batch's shape).
 */
export function shiftImages(x: tf.Tensor4D, shifts: ReadonlyArray<readonly [number, number]>): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape
  if (shifts.length !== batch) throw new RangeError(`shiftImages: ${shifts.length} shifts for ${batch} images; pass one per image.`)
  const pixels = batch * height * width
  /** For each output pixel, the input pixel it takes; `pixels` (a row of zeros) where none. */
  const sources = (sign: 1 | -1) => {
    const index = new Int32Array(pixels)
    let p = 0
    shifts.forEach(([dy, dx], b) => {
      for (let y = 0; y < height; y++) {
        for (let xx = 0; xx < width; xx++, p++) {
          const iy = y - sign * dy
          const ix = xx - sign * dx
          index[p] = iy >= 0 && iy < height && ix >= 0 && ix < width ? (b * height + iy) * width + ix : pixels
        }
      }
    })
    return index
  }
  const move = (t: tf.Tensor, index: Int32Array) =>
    tf.tidy(() => {
      const withZeros = tf.concat([tf.reshape(t, [pixels, channels]), tf.zeros([1, channels])])
      return tf.reshape(tf.gather(withZeros, tf.tensor1d(index, 'int32')), [batch, height, width, channels]) as tf.Tensor4D
    })
  return tf.customGrad((v) => ({ value: move(v as tf.Tensor, sources(1)), gradFunc: (dy) => move(dy as tf.Tensor, sources(-1)) }))(
    x,
  ) as tf.Tensor4D
}

function cutout(x: tf.Tensor4D, rand: () => number, rows: BatchRows): tf.Tensor4D {
  const [batch, height, width] = x.shape
  const ch = Math.floor(height * 0.5 + 0.5)
  const cw = Math.floor(width * 0.5 + 0.5)
  const mask = new Float32Array(batch * height * width).fill(1)
  for (let all = 0; all < rows.batch; all++) {
    const cy = Math.floor(rand() * (height + (1 - (ch % 2)))) - Math.floor(ch / 2)
    const cx = Math.floor(rand() * (width + (1 - (cw % 2)))) - Math.floor(cw / 2)
    const b = all - rows.offset
    if (b < 0 || b >= batch) continue
    for (let y = Math.max(0, cy); y < Math.min(height, cy + ch); y++) {
      for (let xx = Math.max(0, cx); xx < Math.min(width, cx + cw); xx++) mask[(b * height + y) * width + xx] = 0
    }
  }
  return tf.mul(x, tf.tensor4d(mask, [batch, height, width, 1]))
}
