import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { buildGenerator, type DcganConfig } from './dcgan.js'
import { setStandingStats } from './standing-stats.js'

const base: DcganConfig = {
  latentSize: 6,
  width: 8,
  height: 8,
  channels: 3,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  kernelSize: 4,
  seed: 1,
}

const norms = (g: tfl.LayersModel) => g.layers.filter((l) => l.getClassName() === 'BatchNormalization')

/** Per channel, the mean and variance of each BatchNorm layer's output in inference mode on fresh latents. */
function normalisedMoments(g: tfl.LayersModel, classes: number): Array<{ mean: number[]; variance: number[] }> {
  return norms(g).map((norm) =>
    tf.tidy(() => {
      const probe = tfl.model({ inputs: g.inputs, outputs: norm.output as tfl.SymbolicTensor })
      const z = tf.randomNormal([2048, base.latentSize], 0, 1, 'float32', 99)
      const labels = tf.randomUniform([2048, 1], 0, classes || 1, 'int32', 98)
      const y = probe.predict(classes ? [z, labels] : z) as tf.Tensor
      const { mean, variance } = tf.moments(
        y,
        y.shape.slice(0, -1).map((_, i) => i),
      )
      return { mean: Array.from(mean.dataSync()), variance: Array.from(variance.dataSync()) }
    }),
  )
}

/** Moving statistics far from any layer's own, as a stale average would leave them. */
function spoil(g: tfl.LayersModel): void {
  tf.tidy(() => {
    for (const norm of norms(g))
      for (const w of norm.weights) {
        if (w.originalName.endsWith('/moving_mean')) w.write(tf.fill(w.shape as number[], 3))
        if (w.originalName.endsWith('/moving_variance')) w.write(tf.fill(w.shape as number[], 0.25))
      }
  })
}

describe('setStandingStats', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  for (const classes of [0, 5]) {
    it(`re-estimates every BatchNorm layer on the generator's own activations (${classes ? 'conditional' : 'unconditional'})`, () => {
      const g = buildGenerator({ ...base, classes })
      spoil(g)
      const stale = normalisedMoments(g, classes)
      expect(Math.max(...stale.flatMap((m) => m.mean.map(Math.abs)))).toBeGreaterThan(1)
      const trainable = g.trainableWeights.map((w) => w.read().dataSync().slice())

      setStandingStats(g, { batches: 32, batchSize: 64, seed: 7 })

      // gamma 1 and beta 0 at initialisation: each layer's output is then standardised, up to its
      // epsilon (DCGAN's N(0, 0.02) initialisation makes activations of variance ≈ 1e-3, like epsilon).
      const moments = normalisedMoments(g, classes)
      expect(moments).toHaveLength(2)
      moments.forEach(({ mean, variance }, i) => {
        const norm = norms(g)[i]!
        const moving = norm.weights
          .find((w) => w.originalName.endsWith('/moving_variance'))!
          .read()
          .dataSync()
        const epsilon = (norm.getConfig() as { epsilon: number }).epsilon
        for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.1)
        variance.forEach((v, c) => expect(Math.abs(v / (moving[c]! / (moving[c]! + epsilon)) - 1)).toBeLessThan(0.15))
      })
      expect(g.trainableWeights.map((w) => w.read().dataSync())).toEqual(trainable)
      g.dispose()
    })
  }

  it('keeps the variance precise where activations have a large mean and a small spread', () => {
    // Inputs of mean 1000 and spread ≈ 0.025: E[x²] − E[x]² in float32 would lose the variance entirely.
    const g = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 4,
          inputShape: [6],
          kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: 3 }),
          biasInitializer: tfl.initializers.constant({ value: 1000 }),
        }),
        tfl.layers.batchNormalization(),
      ],
    })
    setStandingStats(g, { batches: 4, batchSize: 256, seed: 7 })
    const variance = g.layers[1]!.weights.find((w) => w.originalName.endsWith('/moving_variance'))!
      .read()
      .dataSync()
    const kernel = g.layers[0]!.weights[0]!.read().arraySync() as number[][]
    // z ~ N(0, 1): the variance of unit c is Σ_i w_ic².
    const expected = kernel[0]!.map((_, c) => kernel.reduce((sum, row) => sum + row[c]! ** 2, 0))
    variance.forEach((v, c) => expect(Math.abs(v / expected[c]! - 1)).toBeLessThan(0.15))
    g.dispose()
  })

  it('gives the same statistics for the same seed, other ones for another', () => {
    const stats = (seed: number) => {
      const g = buildGenerator(base)
      setStandingStats(g, { batches: 2, batchSize: 16, seed })
      const values = norms(g).flatMap((n) => n.getWeights().map((w) => Array.from(w.dataSync())))
      g.dispose()
      return values
    }
    expect(stats(3)).toEqual(stats(3))
    expect(stats(3)).not.toEqual(stats(4))
  })

  it('refuses batches or a batch size below 1 with ERR_INVALID_OPTION', () => {
    const g = buildGenerator(base)
    for (const [key, value] of [
      ['batches', 0],
      ['batchSize', 1.5],
    ] as const) {
      expect(() => setStandingStats(g, { batches: 2, batchSize: 8, seed: 1, [key]: value })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_OPTION',
          message: `[gan-train] setStandingStats: ${key} must be an integer ≥ 1, got ${value}.`,
        }),
      )
    }
    g.dispose()
  })

  it('refuses a model that is not a generator of this trainer with ERR_INVALID_OPTION', () => {
    const a = tfl.input({ shape: [6] })
    const b = tfl.input({ shape: [6] })
    const twoLatents = tfl.model({ inputs: [a, b], outputs: tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor })
    expect(() => setStandingStats(twoLatents, { batches: 2, batchSize: 8, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringMatching(/expected a generator of this trainer/) }),
    )
    twoLatents.dispose()
  })

  it('leaves a generator without BatchNorm as it is, and frees what it makes', () => {
    const g = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [6] })] })
    const before = tf.memory().numTensors
    setStandingStats(g, { batches: 2, batchSize: 8, seed: 1 })
    expect(tf.memory().numTensors).toBe(before)
    const bn = buildGenerator(base)
    const withNorms = tf.memory().numTensors
    setStandingStats(bn, { batches: 2, batchSize: 8, seed: 1 })
    expect(tf.memory().numTensors).toBe(withNorms)
    g.dispose()
    bn.dispose()
  })
})
