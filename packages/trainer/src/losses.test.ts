import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { LOSSES } from './losses.js'

describe('GAN losses', () => {
  it('ns and hinge on known logits', async () => {
    await selectBackend('cpu')
    const real = tf.tensor1d([2, -1])
    const fake = tf.tensor1d([0.5, -3])
    const softplus = (x: number) => Math.log1p(Math.exp(x))
    expect(LOSSES.ns.discriminator(real, fake).dataSync()[0]).toBeCloseTo(
      (softplus(-2) + softplus(1)) / 2 + (softplus(0.5) + softplus(-3)) / 2,
      5,
    )
    expect(LOSSES.ns.generator(fake).dataSync()[0]).toBeCloseTo((softplus(-0.5) + softplus(3)) / 2, 5)
    // relu(1 − real): 0, 2; relu(1 + fake): 1.5, 0.
    expect(LOSSES.hinge.discriminator(real, fake).dataSync()[0]).toBeCloseTo(1 + 0.75, 6)
    expect(LOSSES.hinge.generator(fake).dataSync()[0]).toBeCloseTo(1.25, 6)
    tf.dispose([real, fake])
  })
})
