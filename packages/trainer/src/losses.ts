import * as tf from '@tensorflow/tfjs-core'

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
