import * as tf from '@tensorflow/tfjs-core'

/** The blur's σ at its first step, in pixels. */
export const BLUR_SIGMA = 1

/** The blur's reach either side of a pixel: 2σ at its widest. */
const RADIUS = Math.ceil(2 * BLUR_SIGMA)

/**
 * The σ of the blur at step `step` of a run blurring the discriminator's images for its first
 * `steps` steps, as Projected GAN (Sauer et al. 2021) does: {@link BLUR_SIGMA} at step 0, falling
 * linearly to 0 at step `steps` and after (0 for every step when `steps` is 0).
 */
export function blurSigma(step: number, steps: number): number {
  return steps > 0 && step < steps ? BLUR_SIGMA * (1 - step / steps) : 0
}

/**
 * A Gaussian blur of σ = `sigma` pixels (at most {@link BLUR_SIGMA}) over each channel of a batch
 * (NHWC), reflecting at the borders so that they keep their level; `x` itself when `sigma` is 0.
 * Gradients flow through to `x`.
 */
export function gaussianBlur(x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  if (!(sigma > 0)) return x
  if (sigma > BLUR_SIGMA) throw new RangeError(`gaussianBlur takes σ up to ${BLUR_SIGMA}, got ${sigma}.`)
  return tf.tidy(() => {
    const taps = Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * sigma ** 2)))
    const total = taps.reduce((a, b) => a + b)
    const channels = x.shape[3]
    // Each channel blurred alone: the 1-D kernel on the diagonal of a channels × channels map.
    const diagonal = tf.reshape(tf.eye(channels), [1, 1, channels, channels])
    const line = tf.tensor1d(taps.map((t) => t / total))
    const down = tf.mul(tf.reshape(line, [taps.length, 1, 1, 1]), diagonal) as tf.Tensor4D
    const across = tf.mul(tf.reshape(line, [1, taps.length, 1, 1]), diagonal) as tf.Tensor4D
    const padded = tf.mirrorPad(
      x,
      [
        [0, 0],
        [RADIUS, RADIUS],
        [RADIUS, RADIUS],
        [0, 0],
      ],
      'reflect',
    )
    return tf.conv2d(tf.conv2d(padded, down, 1, 'valid'), across, 1, 'valid')
  })
}
