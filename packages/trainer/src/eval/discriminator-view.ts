import * as tf from '@tensorflow/tfjs-core'
import { loadLayersModel } from '../io/layers-model-io.js'
import { predictInBatches } from './predict-in-batches.js'

/** What a discriminator says of a set of images: its mean logit, and the mean sign of its logits. */
export interface LogitSummary {
  meanLogit: number
  /** Mean of sign(logit), in [−1, 1]: ADA's overfitting heuristic r_t (Karras et al. 2020) on the training images. */
  signMean: number
}

/** Images as floats in [0, 1], NHWC, with each one's class index for a conditional discriminator. */
export interface JudgedSet {
  pixels: Float32Array
  count: number
  classes: ArrayLike<number> | undefined
}

/** The summary of `logits`. */
export function logitSummary(logits: ArrayLike<number>): LogitSummary {
  let sum = 0
  let signs = 0
  for (let i = 0; i < logits.length; i++) {
    sum += logits[i]!
    signs += Math.sign(logits[i]!)
  }
  return { meanLogit: sum / logits.length, signMean: signs / logits.length }
}

/**
 * The discriminator in `path` (a run's checkpoint, judging pixels in `range`) on each set, in
 * inference mode, without augmentation: its logit per image, summarised.
 */
export async function discriminatorView(
  path: string,
  range: readonly [number, number],
  shape: { width: number; height: number; channels: number },
  sets: readonly JudgedSet[],
): Promise<LogitSummary[]> {
  const D = await loadLayersModel(path)
  try {
    const conditional = D.inputs.length > 1
    const size = shape.width * shape.height * shape.channels
    const [lo, hi] = range
    return sets.map((set) => {
      const [logits] = predictInBatches(set.count, [1], (start, rows) => {
        const pixels = tf.tensor4d(set.pixels.subarray(start * size, (start + rows) * size), [
          rows,
          shape.height,
          shape.width,
          shape.channels,
        ])
        const x = tf.add(tf.mul(pixels, hi - lo), lo)
        const y = conditional
          ? tf.tensor2d(
              Int32Array.from({ length: rows }, (_, i) => set.classes![start + i]!),
              [rows, 1],
              'int32',
            )
          : undefined
        const output = D.predict(y ? [x, y] : x) as tf.Tensor | tf.Tensor[]
        return [tf.reshape(Array.isArray(output) ? output[0]! : output, [-1])]
      })
      return logitSummary(logits!)
    })
  } finally {
    D.dispose()
  }
}
