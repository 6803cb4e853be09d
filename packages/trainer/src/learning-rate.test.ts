import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { learningRatesAt, setLearningRate, type LearningRateSchedule } from './learning-rate.js'

describe('learning-rate schedule', () => {
  it('is constant without decay steps', () => {
    for (const step of [1, 50, 100]) {
      expect(learningRatesAt({ generator: 0.01, discriminator: 0.04, steps: 100, decaySteps: 0 }, step)).toEqual({
        generator: 0.01,
        discriminator: 0.04,
      })
    }
  })

  it('falls on a line from the full rate at the decaySteps-th step from the end to 0 one step after the last', () => {
    const rate = (schedule: Omit<LearningRateSchedule, 'discriminator'>, step: number) =>
      learningRatesAt({ ...schedule, discriminator: schedule.generator }, step).generator
    const schedule = { generator: 0.01, steps: 10, decaySteps: 4 }
    expect(Array.from({ length: 10 }, (_, i) => rate(schedule, i + 1))).toEqual([
      0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.0075, 0.005, 0.0025,
    ])
    expect(rate(schedule, 11)).toBe(0)
    expect(rate({ generator: 0.01, steps: 10, decaySteps: 0 }, 11)).toBe(0.01)
    expect(rate({ generator: 0.01, steps: 10, decaySteps: 1 }, 10)).toBe(0.01)
    // Over the whole run.
    expect(rate({ generator: 1, steps: 4, decaySteps: 4 }, 1)).toBe(1)
    expect(rate({ generator: 1, steps: 4, decaySteps: 4 }, 4)).toBe(0.25)
  })

  it("decays both networks' rates on the same line", () => {
    const schedule = { generator: 0.01, discriminator: 0.04, steps: 10, decaySteps: 4 }
    expect(learningRatesAt(schedule, 9)).toEqual({ generator: 0.005, discriminator: 0.02 })
    expect(learningRatesAt(schedule, 10)).toEqual({ generator: 0.0025, discriminator: 0.01 })
  })

  it("sets the rate an Adam optimizer's next update uses", async () => {
    await selectBackend('cpu')
    // Adam's first update moves each weight by the rate (times the gradient's sign, nearly).
    const step = (rate: number) => {
      const v = tf.variable(tf.scalar(0))
      const adam = tf.train.adam(0.1)
      setLearningRate(adam, rate)
      adam.minimize(() => tf.mul(v, 3) as tf.Scalar, false, [v])
      const moved = v.dataSync()[0]!
      v.dispose()
      adam.dispose()
      return moved
    }
    expect(step(0.1)).toBeCloseTo(-0.1, 5)
    expect(step(0.02)).toBeCloseTo(-0.02, 5)
  })
})
