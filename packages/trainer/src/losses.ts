import * as tf from '@tensorflow/tfjs-core'
import { TrainError } from './errors.js'
import { lecamPenalty, type LecamAnchors } from './lecam.js'

/** GAN losses: `ns` the non-saturating logistic loss (Goodfellow et al. 2014), `hinge` the hinge loss (Lim & Ye 2017; Miyato et al. 2018). */
export type LossName = 'ns' | 'hinge'
export const LOSS_NAMES: readonly LossName[] = ['ns', 'hinge']

/** The discriminator's loss on real and fake logits, and the generator's on fake logits. */
export interface GanLoss {
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar
  generator(fakeLogits: tf.Tensor): tf.Scalar
}

export const LOSSES: Record<LossName, GanLoss> = {
  // D: softplus(−D(x)) + softplus(D(G(z))); G: softplus(−D(G(z))).
  ns: {
    discriminator: (real, fake) => tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar,
    generator: (fake) => tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar,
  },
  // D: relu(1 − D(x)) + relu(1 + D(G(z))); G: −D(G(z)).
  hinge: {
    discriminator: (real, fake) => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as tf.Scalar,
    generator: (fake) => tf.neg(tf.mean(fake)) as tf.Scalar,
  },
}

/** What the discriminator says of a batch: a logit per image, and with an auxiliary classifier a logit per class. */
export interface Judgement {
  logits: tf.Tensor
  classLogits?: tf.Tensor
  /** With a decoder (DcganConfig.decoder): its image decoded from D's features, and the images D judged. */
  reconstruction?: { decoded: tf.Tensor; target: tf.Tensor }
}

/** The weights of the terms a step adds to the GAN loss; each 0 (none) by default. */
export interface ObjectiveWeights {
  /** The auxiliary classifier's cross-entropy, for D on real images and for G on its fakes. */
  classLoss?: number
  /** The LeCam penalty, in D's loss. */
  lecam?: number
  /** The decoder's mean squared error on the real images, in D's loss. */
  reconstruction?: number
}

/**
 * The objectives of a training step: the GAN loss, plus the class loss weighted by `classLoss` when
 * D has a classifier, plus for D the LeCam penalty weighted by `lecam` and the reconstruction loss
 * weighted by `reconstruction`.
 */
export interface StepObjectives {
  /**
   * On real images with their labels and on fakes. The classifier and the decoder learn from real images only.
   * `anchors`: the LeCam anchors of the steps before (none on a run's first step: no penalty).
   */
  discriminator(real: Judgement, fake: Judgement, realLabels: tf.Tensor | undefined, anchors?: LecamAnchors): tf.Scalar
  /**
   * On fakes with the labels they were asked for: the classifier should read those labels.
   * `adversarialWeight` scales the GAN term alone (top-k.ts's quota of a replica's kept fakes). @default 1
   */
  generator(fake: Judgement, labels: tf.Tensor | undefined, adversarialWeight?: number): tf.Scalar
}

/**
 * The step's objectives with loss `name` and the extra terms' `weights`. The class loss is the mean
 * softmax cross-entropy between D's class logits and the labels; D minimises it on real images, so
 * its classifier models the training data, and G on its fakes, which ties each image to the class it
 * was asked for (AC-GAN with a real-only classifier). The reconstruction loss is the mean squared
 * error between D's decoding of the real images and those images (as D saw them, augmented): D alone
 * minimises it, which makes its features describe the whole image (FastGAN's self-supervised
 * discriminator, Liu et al. 2021, with a pixel loss where FastGAN uses a perceptual one).
 */
export function stepObjectives(name: LossName, weights: ObjectiveWeights = {}): StepObjectives {
  const loss = LOSSES[name]
  const { classLoss = 0, lecam = 0, reconstruction = 0 } = weights
  const withClass = (adversarial: tf.Scalar, judged: Judgement, labels: tf.Tensor | undefined): tf.Scalar => {
    if (classLoss === 0) return adversarial
    if (!judged.classLogits || !labels) {
      throw new TrainError(
        'ERR_INVALID_OPTION',
        'classLoss needs a conditional pair whose discriminator has an auxiliary classifier: build it with auxiliaryClassifier: true.',
      )
    }
    return tf.add(adversarial, tf.mul(classCrossEntropy(judged.classLogits, labels), classLoss)) as tf.Scalar
  }
  const withReconstruction = (objective: tf.Scalar, real: Judgement): tf.Scalar => {
    if (reconstruction === 0) return objective
    if (!real.reconstruction) {
      throw new TrainError('ERR_INVALID_OPTION', 'reconstruction needs a discriminator with a decoder: build it with decoder: true.')
    }
    const { decoded, target } = real.reconstruction
    return tf.add(objective, tf.mul(tf.mean(tf.squaredDifference(decoded, target)), reconstruction)) as tf.Scalar
  }
  return {
    discriminator: (real, fake, realLabels, anchors) => {
      const objective = withReconstruction(withClass(loss.discriminator(real.logits, fake.logits), real, realLabels), real)
      if (lecam === 0 || !anchors) return objective
      return tf.add(objective, tf.mul(lecamPenalty(real.logits, fake.logits, anchors), lecam)) as tf.Scalar
    },
    generator: (fake, labels, adversarialWeight = 1) => {
      const adversarial = loss.generator(fake.logits)
      return withClass(adversarialWeight === 1 ? adversarial : (tf.mul(adversarial, adversarialWeight) as tf.Scalar), fake, labels)
    },
  }
}

/** Mean softmax cross-entropy of `classLogits` `[n, classes]` against int32 `labels` `[n, 1]`. */
export function classCrossEntropy(classLogits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const classes = classLogits.shape[1]!
  const oneHot = tf.oneHot(tf.reshape(labels, [-1]) as tf.Tensor1D, classes)
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(classLogits)), 1))) as tf.Scalar
}
