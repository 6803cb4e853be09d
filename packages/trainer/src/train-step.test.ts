import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { buildDiscriminator, buildGenerator, type DcganConfig } from './models/dcgan.js'
import { createReplicaStep } from './parallel/replica-step.js'
import { mulberry32 } from './random.js'
import { adamInternals } from './optimizer-state.js'
import { createTrainStep, fakeJudge, judge, latentSeed, mixSeed, setStepLearningRate, type TrainStepParts } from './train-step.js'

const BATCH = 16
const SEED = 4
const STEP = 1
const cfg: DcganConfig = {
  latentSize: 4,
  width: 8,
  height: 8,
  channels: 1,
  generatorFilters: [4, 2],
  discriminatorFilters: [2, 4],
  kernelSize: 4,
  seed: 1,
  classes: 2,
  auxiliaryClassifier: true,
}
const realLabels = Int32Array.from({ length: BATCH }, (_, i) => (i % 4 === 0 ? 1 : 0))

/** How many of a step's fake labels (the step's stream for `purpose`: 0 D's fakes, 1 G's) are class 1. */
function ones(purpose: number): number {
  const rand = mulberry32(mixSeed(SEED, STEP, purpose))
  return Array.from({ length: BATCH }, () => Math.floor(rand() * 2)).filter((y) => y === 1).length
}

/**
 * A conditional pair whose classifier head reads every image as class 0 with logits [5, −5], and
 * whose updates are too small to matter: the class loss of an image asking for class 1 is then
 * 10 (+ softplus(−10)), of one asking for class 0 almost nothing, so a step's class loss counts
 * the labels it was computed with.
 */
function parts(classLoss: number): TrainStepParts {
  const generator = buildGenerator(cfg)
  const discriminator = buildDiscriminator(cfg)
  const head = discriminator.layers.at(-1)!
  head.setWeights([tf.zeros([cfg.discriminatorFilters.at(-1)! * 4, 2]), tf.tensor1d([5, -5])])
  return {
    generator,
    discriminator,
    generatorOptimizer: tf.train.adam(1e-12, 0.5),
    discriminatorOptimizer: tf.train.adam(1e-12, 0.5),
    learningRate: { generator: 1e-12, discriminator: 1e-12, steps: 10, decaySteps: 0 },
    latentSize: cfg.latentSize,
    batchSize: BATCH,
    seed: SEED,
    loss: 'hinge',
    classes: 2,
    classLoss,
  }
}

/** D's and G's losses of step {@link STEP} on `images` (labelled `realLabels`), in one thread. */
function oneThreadLosses(p: TrainStepParts, images: tf.Tensor4D): { d: number; g: number } {
  const losses = createTrainStep(p)(STEP, { images, labels: realLabels })
  const values = { d: losses.dLoss.dataSync()[0]!, g: losses.gLoss.dataSync()[0]! }
  tf.dispose([losses.dLoss, losses.gLoss])
  return values
}

/** The same losses from a replica holding the whole batch. */
function replicaLosses(p: TrainStepParts, images: tf.Tensor4D): { d: number; g: number } {
  const step = createReplicaStep(p, { offset: 0, count: BATCH })
  const d = step.discriminatorGradients(STEP, images, realLabels)
  step.applyDiscriminator(d.values)
  return { d: d.loss, g: step.generatorGradients(STEP).loss }
}

describe('training step with a class loss', () => {
  it("D's class loss is on the real images' labels and G's on the labels its fakes asked for, in one thread and in a replica", async () => {
    await selectBackend('cpu')
    const classTerm = (count: number) => (10 * count) / BATCH
    // The test tells the streams apart only if they differ here.
    expect(ones(1)).not.toBe(ones(0))
    expect(ones(1)).not.toBe(realLabels.filter((y) => y === 1).length)

    const images = tf.zeros([BATCH, 8, 8, 1]) as tf.Tensor4D
    const oneThread = (classLoss: number) => oneThreadLosses(parts(classLoss), images)
    const replica = (classLoss: number) => replicaLosses(parts(classLoss), images)
    for (const run of [oneThread, replica]) {
      const [without, withClass] = [run(0), run(1)]
      expect(withClass.d - without.d).toBeCloseTo(classTerm(realLabels.filter((y) => y === 1).length), 3)
      expect(withClass.g - without.g).toBeCloseTo(classTerm(ones(1)), 3)
    }
    images.dispose()
  })
})

describe('training step with the discriminator blur', () => {
  it('blurs what D sees, real and fake, in one thread and in a replica alike, while the blur lasts', async () => {
    await selectBackend('cpu')
    // A checkerboard: what a blur changes most.
    const images = tf.tensor4d(
      Float32Array.from({ length: BATCH * 64 }, (_, i) => (((i % 8) + Math.floor(i / 8)) % 2 ? 1 : -1)),
      [BATCH, 8, 8, 1],
    )
    const withBlur = (blurSteps: number) => {
      const p = parts(0)
      // D's first convolution 50 times its initial weights, so that its logits feel the detail.
      p.discriminator.layers[1]!.setWeights(p.discriminator.layers[1]!.getWeights().map((w) => tf.mul(w, 50)))
      return { ...p, blurSteps }
    }
    const oneThread = (blurSteps: number) => oneThreadLosses(withBlur(blurSteps), images)
    const replica = (blurSteps: number) => replicaLosses(withBlur(blurSteps), images)
    const [sharp, blurred] = [oneThread(0), oneThread(10)]
    // Measured: D's losses 0.004 apart, G's 0.0003.
    expect(Math.abs(blurred.d - sharp.d)).toBeGreaterThan(1e-3)
    expect(Math.abs(blurred.g - sharp.g)).toBeGreaterThan(1e-4)
    expect(replica(10)).toEqual(blurred)
    expect(replica(0)).toEqual(sharp)
    // Over at its last step: blurSteps 1 blurs step 0 only.
    expect(oneThread(STEP)).toEqual(sharp)
    images.dispose()
  })
})

describe('fakeJudge', () => {
  it("is D without its decoder's output, on D's own layers and weights; D itself when it has no decoder", async () => {
    await selectBackend('cpu')
    const plain = buildDiscriminator(cfg)
    expect(fakeJudge(plain)).toBe(plain)
    const D = buildDiscriminator({ ...cfg, decoder: true })
    const ofFakes = fakeJudge(D)
    const images = tf.randomUniform([BATCH, 8, 8, 1], -1, 1, 'float32', 5)
    const labels = tf.tensor2d(realLabels, [BATCH, 1], 'int32')
    const read = (t: tf.Tensor | undefined) => Array.from(t!.dataSync())
    const both = (): [number[], number[]] =>
      tf.tidy(() => {
        const [full, fakes] = [judge(D, images, labels), judge(ofFakes, images, labels)]
        expect(full.reconstruction?.decoded.shape).toEqual([BATCH, 8, 8, 1])
        expect(fakes.reconstruction).toBeUndefined()
        expect(read(fakes.classLogits)).toEqual(read(full.classLogits))
        return [read(full.logits), read(fakes.logits)]
      })
    const [before, beforeOfFakes] = both()
    expect(beforeOfFakes).toEqual(before)
    // A change to D's weights is a change to the judge of fakes.
    const logit = D.layers.find((l) => l.getClassName() === 'Dense' && l.getConfig().units === 1)!
    logit.setWeights([logit.getWeights()[0]!, tf.tensor1d([3])])
    const [after, afterOfFakes] = both()
    expect(afterOfFakes).toEqual(after)
    expect(after[0]! - before[0]!).toBeCloseTo(3, 4)
    tf.dispose([images, labels])
    D.dispose()
    plain.dispose()
  })
})

describe('training step with LeCam', () => {
  it("adds the weighted penalty against the anchors given to D's loss, and reports D's mean logits, in one thread and in replicas", async () => {
    await selectBackend('cpu')
    const images = tf.randomUniform([BATCH, 8, 8, 1], -1, 1, 'float32', 3) as tf.Tensor4D
    const anchors = { real: 0.5, fake: -0.5 }
    const oneThread = (lecam: number, given: typeof anchors | undefined) => {
      const losses = createTrainStep({ ...parts(0), lecam })(STEP, { images, labels: realLabels }, given)
      const d = losses.dLoss.dataSync()[0]!
      tf.dispose([losses.dLoss, losses.gLoss])
      return { d, means: losses.meanLogits }
    }
    const replicas = (lecam: number, shards: Array<{ offset: number; count: number }>) =>
      shards.map((shard) => {
        const rows = tf.slice(images, shard.offset, shard.count)
        const d = createReplicaStep({ ...parts(0), lecam }, shard).discriminatorGradients(
          STEP,
          rows,
          realLabels.subarray(shard.offset, shard.offset + shard.count),
          anchors,
        )
        rows.dispose()
        return d
      })
    // D's mean logits before the step's update on the step's real images and fakes (no augmentation here).
    const pair = parts(0)
    const meanLogit = (x: tf.Tensor, labels: Int32Array) =>
      tf.tidy(() => tf.mean(judge(pair.discriminator, x, tf.tensor2d(labels, [BATCH, 1], 'int32')).logits).dataSync()[0]!)
    const rand = mulberry32(mixSeed(SEED, STEP, 0))
    const fakeLabels = Int32Array.from({ length: BATCH }, () => Math.floor(rand() * 2))
    const zD = tf.randomNormal([BATCH, cfg.latentSize], 0, 1, 'float32', latentSeed(SEED, STEP, 0))
    const fake = pair.generator.apply([zD, tf.tensor2d(fakeLabels, [BATCH, 1], 'int32')], { training: true }) as tf.Tensor
    const expected = { real: meanLogit(images, realLabels), fake: meanLogit(fake, fakeLabels) }
    const [without, withLecam, firstStep] = [oneThread(0, anchors), oneThread(0.3, anchors), oneThread(0.3, undefined)]
    expect(without.means).toBeUndefined()
    expect(Math.abs(expected.real - expected.fake)).toBeGreaterThan(1e-5)
    expect(withLecam.means!.real).toBeCloseTo(expected.real, 8)
    expect(withLecam.means!.fake).toBeCloseTo(expected.fake, 8)
    // The step's own logits against the anchors: worth a penalty here, and none before there are anchors.
    expect(withLecam.d - without.d).toBeGreaterThan(0.01)
    expect(firstStep.d).toBeCloseTo(without.d, 6)
    const [whole] = replicas(0.3, [{ offset: 0, count: BATCH }])
    expect(whole!.loss).toBeCloseTo(withLecam.d, 5)
    expect(whole!.meanLogits!.real).toBeCloseTo(withLecam.means!.real, 5)
    expect(whole!.meanLogits!.fake).toBeCloseTo(withLecam.means!.fake, 5)
    // Each half's means come scaled by its share, so they add up to the batch's (D has no BatchNorm:
    // its logits on real images are the same per image; fakes differ by G's BatchNorm on half batches).
    const halves = replicas(0.3, [
      { offset: 0, count: BATCH / 2 },
      { offset: BATCH / 2, count: BATCH / 2 },
    ])
    expect(halves[0]!.meanLogits!.real + halves[1]!.meanLogits!.real).toBeCloseTo(withLecam.means!.real, 5)
    expect(replicas(0, [{ offset: 0, count: BATCH }])[0]!.meanLogits).toBeUndefined()
    tf.dispose([images, zD, fake])
  })
})

describe('training step learning rates', () => {
  it("sets each optimizer to its own network's rate of the step, on the schedule's decay", async () => {
    await selectBackend('cpu')
    const generatorOptimizer = tf.train.adam(1, 0.5)
    const discriminatorOptimizer = tf.train.adam(1, 0.5)
    const step = {
      generatorOptimizer,
      discriminatorOptimizer,
      learningRate: { generator: 1e-4, discriminator: 4e-4, steps: 10, decaySteps: 2 },
    }
    setStepLearningRate(step as unknown as TrainStepParts, 1)
    expect([adamInternals(generatorOptimizer).learningRate, adamInternals(discriminatorOptimizer).learningRate]).toEqual([1e-4, 4e-4])
    setStepLearningRate(step as unknown as TrainStepParts, 10)
    expect([adamInternals(generatorOptimizer).learningRate, adamInternals(discriminatorOptimizer).learningRate]).toEqual([5e-5, 2e-4])
    generatorOptimizer.dispose()
    discriminatorOptimizer.dispose()
  })
})
