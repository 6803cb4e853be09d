import * as tf from '@tensorflow/tfjs-core'

/**
 * LeCam regularisation (Tseng et al. 2021, "Regularizing Generative Adversarial Networks under
 * Limited Data"): the discriminator's loss gains
 * `mean(relu(D(x) − α_fake)²) + mean(relu(α_real − D(G(z)))²)`, where the anchors α are moving
 * averages of D's mean output on real and on fake images: D is penalised where its outputs on real
 * images rise above its average on fakes, and on fakes fall below its average on real images, as
 * they drift apart when D memorises a small dataset.
 */

/** The anchors' moving-average decay, as the paper's code. */
export const LECAM_DECAY = 0.99

/** D's mean logit on real images and on fakes. */
export interface LogitMeans {
  real: number
  fake: number
}

/** Moving averages of D's {@link LogitMeans} over the steps so far. */
export type LecamAnchors = LogitMeans

/** The penalty on this step's real and fake logits against the anchors of the steps before it. */
export function lecamPenalty(realLogits: tf.Tensor, fakeLogits: tf.Tensor, anchors: LecamAnchors): tf.Scalar {
  return tf.tidy(() => {
    const real = tf.mean(tf.square(tf.relu(tf.sub(realLogits, anchors.fake))))
    const fake = tf.mean(tf.square(tf.relu(tf.sub(anchors.real, fakeLogits))))
    return tf.add(real, fake) as tf.Scalar
  })
}

/**
 * The anchors after a step whose mean logits were `means`: the first step's means start them, and
 * the first step, having no anchors, has no penalty. The paper's code folds a step's own means in
 * before its penalty; here a step's penalty uses the anchors of the steps before it, so the
 * replicas of a data-parallel step need no extra exchange (the anchors differ by 1 % of the
 * difference between the step's means and the average).
 */
export function nextAnchors(anchors: LecamAnchors | undefined, means: LogitMeans): LecamAnchors {
  if (!anchors) return { ...means }
  return {
    real: LECAM_DECAY * anchors.real + (1 - LECAM_DECAY) * means.real,
    fake: LECAM_DECAY * anchors.fake + (1 - LECAM_DECAY) * means.fake,
  }
}

/**
 * Takes D's mean logits out of a gradient tape (whose scope frees what it makes): `record` keeps
 * them, scaled by `scale` (a replica's share of the batch), `read` syncs them once, and `dispose`
 * frees them, which the caller does however the step ends.
 */
export function logitMeansRecorder(scale = 1): {
  record(realLogits: tf.Tensor, fakeLogits: tf.Tensor): void
  read(): LogitMeans
  dispose(): void
} {
  let kept: tf.Tensor | undefined
  return {
    record(realLogits, fakeLogits) {
      kept = tf.keep(tf.tidy(() => tf.mul(tf.stack([tf.mean(realLogits), tf.mean(fakeLogits)]), scale)))
    },
    read() {
      const [real, fake] = kept!.dataSync()
      return { real: real!, fake: fake! }
    },
    dispose: () => kept?.dispose(),
  }
}
