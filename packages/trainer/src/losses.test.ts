import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { lecamPenalty } from './lecam.js'
import { classCrossEntropy, LOSSES, stepObjectives } from './losses.js'

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

  it('the class loss is the mean cross-entropy of the class logits, weighted, on real images for D and on fakes for G', async () => {
    await selectBackend('cpu')
    const logits = tf.tensor2d([
      [2, 0, -1],
      [0, 0, 0],
    ])
    const labels = tf.tensor2d([[0], [2]], [2, 1], 'int32')
    const logSoftmax = (row: number[], k: number) => row[k]! - Math.log(row.reduce((s, v) => s + Math.exp(v), 0))
    const ce = -(logSoftmax([2, 0, -1], 0) + logSoftmax([0, 0, 0], 2)) / 2
    expect(classCrossEntropy(logits, labels).dataSync()[0]).toBeCloseTo(ce, 5)

    const real = { logits: tf.tensor1d([2, -1]), classLogits: logits }
    const fake = { logits: tf.tensor1d([0.5, -3]), classLogits: tf.zerosLike(logits) }
    const hinge = stepObjectives('hinge', { classLoss: 0.5 })
    // D's classifier learns from real images only; G is scored on its fakes' class logits.
    expect(hinge.discriminator(real, fake, labels).dataSync()[0]).toBeCloseTo(1.75 + 0.5 * ce, 5)
    expect(hinge.generator(fake, labels).dataSync()[0]).toBeCloseTo(1.25 + 0.5 * Math.log(3), 5)
    expect(stepObjectives('hinge').generator(fake, labels).dataSync()[0]).toBeCloseTo(1.25, 6)
    expect(() => hinge.generator({ logits: fake.logits }, labels)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringMatching(/auxiliary classifier/) }),
    )
    tf.dispose([logits, labels, real.logits, fake.logits, fake.classLogits])
  })

  it("with a LeCam weight, D's loss gains the weighted penalty once there are anchors; G's is untouched", async () => {
    await selectBackend('cpu')
    const real = { logits: tf.tensor1d([2, -1]) }
    const fake = { logits: tf.tensor1d([0.5, -3]) }
    const anchors = { real: 1, fake: -0.5 }
    const penalty = lecamPenalty(real.logits, fake.logits, anchors).dataSync()[0]!
    expect(penalty).toBeGreaterThan(1)
    const lecam = stepObjectives('hinge', { lecam: 0.3 })
    expect(lecam.discriminator(real, fake, undefined, anchors).dataSync()[0]).toBeCloseTo(1.75 + 0.3 * penalty, 5)
    // The first step has no anchors yet; a run without LeCam ignores them.
    expect(lecam.discriminator(real, fake, undefined).dataSync()[0]).toBeCloseTo(1.75, 6)
    expect(stepObjectives('hinge').discriminator(real, fake, undefined, anchors).dataSync()[0]).toBeCloseTo(1.75, 6)
    expect(lecam.generator(fake, undefined).dataSync()[0]).toBeCloseTo(1.25, 6)
    tf.dispose([real.logits, fake.logits])
  })

  it("with a reconstruction weight, D's loss gains the decoder's mean squared error on the real images; G's is untouched", async () => {
    await selectBackend('cpu')
    const target = tf.tensor4d([1, -1, 0.5, 0], [1, 2, 2, 1])
    const decoded = tf.tensor4d([0, -1, 0.5, 1], [1, 2, 2, 1])
    const real = { logits: tf.tensor1d([2, -1]), reconstruction: { decoded, target } }
    const fake = { logits: tf.tensor1d([0.5, -3]), reconstruction: { decoded: target, target: target } }
    const objectives = stepObjectives('hinge', { reconstruction: 2 })
    // Squared errors 1, 0, 0, 1 over 4 pixels; the fakes' rebuild (error 0) is not scored.
    expect(objectives.discriminator(real, fake, undefined).dataSync()[0]).toBeCloseTo(1.75 + 2 * 0.5, 6)
    expect(objectives.generator(fake, undefined).dataSync()[0]).toBeCloseTo(1.25, 6)
    expect(stepObjectives('hinge').discriminator(real, fake, undefined).dataSync()[0]).toBeCloseTo(1.75, 6)
    expect(() => objectives.discriminator({ logits: real.logits }, fake, undefined)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringMatching(/reconstruction needs a discriminator with a decoder/),
      }),
    )
    tf.dispose([target, decoded, real.logits, fake.logits])
  })
})
