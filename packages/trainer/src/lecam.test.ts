import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { LECAM_DECAY, lecamPenalty, nextAnchors } from './lecam.js'

describe('LeCam regularisation', () => {
  it("penalises real logits above the fake anchor and fake logits below the real anchor, squared, each side's mean", async () => {
    await selectBackend('cpu')
    const real = tf.tensor1d([2, -1, 0.5])
    const fake = tf.tensor1d([0.5, -3])
    // Anchors: real 1, fake −0.5. Real side: relu(2.5, −0.5, 1)² = 6.25, 0, 1; fake side: relu(0.5, 4)² = 0.25, 16.
    const penalty = lecamPenalty(real, fake, { real: 1, fake: -0.5 })
    expect(penalty.dataSync()[0]).toBeCloseTo((6.25 + 0 + 1) / 3 + (0.25 + 16) / 2, 5)
    // Where D cannot tell them apart, nothing to pull.
    const none = lecamPenalty(tf.tensor1d([0, -1]), tf.tensor1d([0, 1]), { real: 0, fake: 0 })
    expect(none.dataSync()[0]).toBe(0)
    tf.dispose([real, fake, penalty, none])
  })

  it("the first step's means start the anchors; later ones move them by 1 − decay", () => {
    const first = nextAnchors(undefined, { real: 2, fake: -1 })
    expect(first).toEqual({ real: 2, fake: -1 })
    expect(nextAnchors(first, { real: 4, fake: 1 })).toEqual({
      real: LECAM_DECAY * 2 + (1 - LECAM_DECAY) * 4,
      fake: LECAM_DECAY * -1 + (1 - LECAM_DECAY) * 1,
    })
    expect(LECAM_DECAY).toBe(0.99)
  })
})
