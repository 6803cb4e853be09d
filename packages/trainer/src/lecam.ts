import * as tf from '@tensorflow/tfjs-core'

/**
 * LeCam regularisation (Tseng et al. 2021, "Regularizing Generative Adversarial Networks under
 * Limited Data"): the discriminator's loss gains
 * `mean(relu(D(x) − α_fake)²) + mean(relu(α_real − D(G(z)))²)`, where the anchors α are moving
 * averages of D's mean output on real and on fake images. It keeps D's outputs on the two from
 * drifting apart, as they do when D memorises a small dataset.
 */

/** The anchors' moving-average decay, as the paper's code. */
export const LECAM_DECAY = 0.99

/** Moving averages of D's mean logit on real images and on fakes, over the steps so far. */
export interface LecamAnchors {
  real: number
  fake: number
}

/** The penalty on this step's real and fake logits against the anchors of the steps before it. */
export function lecamPenalty(realLogits: tf.Tensor, fakeLogits: tf.Tensor, anchors: LecamAnchors): tf.Scalar {
  return tf.tidy(() => {
    const real = tf.mean(tf.square(tf.relu(tf.sub(realLogits, anchors.fake))))
    const fake = tf.mean(tf.square(tf.relu(tf.sub(anchors.real, fakeLogits))))
    return tf.add(real, fake) as tf.Scalar
  })
}

/**
 * The anchors after a step whose mean logits were `means`: the first step's means start them.
 * The paper's code folds a step's own means in before its penalty; here a step's penalty uses the
 * anchors of the steps before it, so the replicas of a data-parallel step need no extra exchange
 * (at decay 0.99 the two differ by 1 % of one step's means).
 */
export function nextAnchors(anchors: LecamAnchors | undefined, means: LecamAnchors): LecamAnchors {
  if (!anchors) return { ...means }
  return {
    real: LECAM_DECAY * anchors.real + (1 - LECAM_DECAY) * means.real,
    fake: LECAM_DECAY * anchors.fake + (1 - LECAM_DECAY) * means.fake,
  }
}
