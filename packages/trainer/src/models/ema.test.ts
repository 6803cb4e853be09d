import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { createEma } from './ema.js'

const model = (value: number) =>
  tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: tfl.initializers.constant({ value }) })],
  })
const weight = (m: tfl.LayersModel) => m.weights[0]!.read().dataSync()[0]!

describe('createEma', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  it('starts as a copy of the live model and ramps its decay up as min(decay, (1 + step) / (10 + step))', () => {
    const live = model(1)
    const ema = createEma(live, model(5), 0.999)
    expect(weight(ema.model)).toBe(1)
    live.weights[0]!.write(tf.tensor2d([[12]]))
    ema.update(1)
    expect(weight(ema.model)).toBeCloseTo((2 / 11) * 1 + (9 / 11) * 12, 5)
  })

  it('keeps a saved average (resume), and with `age` goes on with the decay it had reached', () => {
    const live = model(1)
    const young = createEma(live, model(5), 0.999, { resume: true })
    const old = createEma(live, model(5), 0.5, { resume: true, age: 100 })
    expect(weight(young.model)).toBe(5)
    young.update(1)
    old.update(1)
    expect(weight(young.model)).toBeCloseTo((2 / 11) * 5 + (9 / 11) * 1, 5)
    expect(weight(old.model)).toBeCloseTo(0.5 * 5 + 0.5 * 1, 5)
    const aged = createEma(live, model(5), 0.999, { resume: true, age: 100 })
    aged.update(1)
    expect(weight(aged.model)).toBeCloseTo((102 / 111) * 5 + (9 / 111) * 1, 5)
  })
})
