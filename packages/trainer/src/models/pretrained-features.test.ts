import * as tf from '@tensorflow/tfjs-core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { loadLayersModel, saveLayersModel } from '../io/layers-model-io.js'
import { buildDiscriminator, type DcganConfig } from './dcgan.js'
import { MOBILENET_PREFIX } from './mobilenet-v2.js'
import { FEATURE_JUDGES, FEATURES_PREFIX, pretrainedFeatureFloats, pretrainedFeatures } from './pretrained-features.js'

const cfg: DcganConfig = {
  latentSize: 6,
  width: 32,
  height: 32,
  channels: 4,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  kernelSize: 4,
  seed: 1,
  classes: 3,
  spectralNorm: true,
}

/** One Adam step of D's trainable weights towards a lower mean logit on `inputs`. */
function trainOnce(D: tfl.LayersModel, inputs: tf.Tensor[]): void {
  const optimizer = tf.train.adam(0.1)
  optimizer.minimize(
    () => tf.mean(D.apply(inputs, { training: true }) as tf.Tensor) as tf.Scalar,
    false,
    D.trainableWeights.map((w) => w.read() as tf.Variable),
  )
  optimizer.dispose()
}

/** D saved and loaded again judges as D does, with the same trainable weights. */
async function expectSavedWhole(D: tfl.LayersModel, judged: (m: tfl.LayersModel) => number[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gan-features-'))
  try {
    await saveLayersModel(D, dir)
    const loaded = await loadLayersModel(dir)
    expect(judged(loaded)).toEqual(judged(D))
    expect(loaded.trainableWeights.map((w) => w.originalName)).toEqual(D.trainableWeights.map((w) => w.originalName))
    loaded.dispose()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('pretrained features in the discriminator', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('adds a second judge on frozen MobileNetV2 maps: the frozen layers take no step, and D saves and loads whole', async () => {
    const tensors = tf.memory().numTensors
    buildDiscriminator({ ...cfg, pretrainedFeatures: true }).dispose()
    // The decoded weights live on in D's variables only.
    expect(tf.memory().numTensors).toBe(tensors)
    const plain = buildDiscriminator(cfg)
    const D = buildDiscriminator({ ...cfg, pretrainedFeatures: true })
    const frozen = D.layers.filter((l) => l.name.startsWith(MOBILENET_PREFIX))
    expect(frozen.length).toBeGreaterThan(30)
    expect(frozen.every((l) => !l.trainable)).toBe(true)
    expect(D.trainableWeights.some((w) => w.originalName.startsWith(MOBILENET_PREFIX))).toBe(false)
    expect(D.nonTrainableWeights.filter((w) => w.originalName.startsWith(MOBILENET_PREFIX))).toHaveLength(36)
    // 72 features judged linearly: its own logit (kernel and bias), projection table (3 classes × 72) and gain.
    const trainable = (m: typeof D) => m.trainableWeights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * b!, 1), 0)
    expect(trainable(D) - trainable(plain)).toBe(72 + 1 + 3 * 72 + 1)
    expect(D.outputs.map((o) => o.shape)).toEqual([[null, 1]])

    const x = tf.randomUniform([2, 32, 32, 4], -1, 1, 'float32', 7)
    const y = tf.tensor2d([[0], [2]], [2, 1], 'int32')
    // (Spectral norm's u vectors are non-trainable too, and move with each training call.)
    const frozenWeights = () =>
      D.nonTrainableWeights.filter((w) => w.originalName.startsWith(MOBILENET_PREFIX)).map((w) => w.read().dataSync().slice())
    const before = frozenWeights()
    // The judge's gain starts at 0: D judges as the same D without the branch would.
    const judged = (m: typeof D) => Array.from((m.predict([x, y]) as tf.Tensor).dataSync())
    const gain = () => D.getLayer(`${FEATURES_PREFIX}gain`).getWeights()[0]!.dataSync()[0]
    expect(gain()).toBe(0)
    expect(judged(D)).toEqual(judged(plain))
    trainOnce(D, [x, y])
    expect(frozenWeights()).toEqual(before)
    expect(gain()).not.toBe(0)

    await expectSavedWhole(D, judged)
    tf.dispose([x, y])
    plain.dispose()
    D.dispose()
  })

  it('judges each map with a head of its own after fixed random projections (projected): the projections take no step', async () => {
    const plain = buildDiscriminator(cfg)
    const D = buildDiscriminator({ ...cfg, pretrainedFeatures: true, featureJudge: 'projected' })
    expect(D.outputs.map((o) => o.shape)).toEqual([[null, 1]])
    // By name: a model lists its layers in no order of ours.
    const named = (part: string) =>
      D.layers.filter((l) => l.name.startsWith(`${FEATURES_PREFIX}${part}`)).sort((a, b) => a.name.localeCompare(b.name))
    // Three channel projections and two scale mixes, frozen; three heads (16×16 → 4×4 in two convolutions, 8×8 in one, 4×4 in one 3×3).
    expect(named('ccm_').map((l) => [l.name, l.trainable])).toEqual([0, 1, 2].map((i) => [`${FEATURES_PREFIX}ccm_${i}`, false]))
    expect(named('csm_').map((l) => l.trainable)).toEqual([false, false])
    expect(named('head_').map((l) => l.name)).toEqual(['head_0_0', 'head_0_1', 'head_1_0', 'head_2_0'].map((n) => FEATURES_PREFIX + n))
    expect(named('head_').every((l) => l.trainable && l.getClassName() === 'SpectralNormalization')).toBe(true)
    expect(named('logit').map((l) => l.name)).toEqual([0, 1, 2].map((i) => `${FEATURES_PREFIX}logit_${i}`))
    expect(D.layers.some((l) => l.name === `${FEATURES_PREFIX}gain`)).toBe(false)

    const x = tf.randomUniform([2, 32, 32, 4], -1, 1, 'float32', 7)
    const y = tf.tensor2d([[0], [2]], [2, 1], 'int32')
    const judged = (m: typeof D) => Array.from((m.predict([x, y]) as tf.Tensor).dataSync())
    // No gain: the heads count from the first step.
    expect(judged(D)).not.toEqual(judged(plain))
    const projections = () => [...named('ccm_'), ...named('csm_')].flatMap((l) => l.getWeights().map((w) => w.dataSync().slice()))
    const heads = () => named('head_').flatMap((l) => l.trainableWeights.map((w) => w.read().dataSync().slice()))
    const [projectionsBefore, headsBefore] = [projections(), heads()]
    trainOnce(D, [x, y])
    expect(projections()).toEqual(projectionsBefore)
    expect(heads()).not.toEqual(headsBefore)

    await expectSavedWhole(D, judged)
    tf.dispose([x, y])
    plain.dispose()
    D.dispose()
  })

  it("counts the branch's layer outputs for the memory estimate (concatenations and flattening aside)", () => {
    for (const judge of FEATURE_JUDGES) {
      // 28 and 12 halve to odd sides (7 → 3, 3 → 1): the projected judge pads the mixed maps back.
      // [height, width, upsampling]: 32×32 enlarged twice is read as 64×64.
      for (const [height, width, upsampling] of [
        [32, 32, 1],
        [64, 64, 1],
        [12, 12, 1],
        [28, 28, 1],
        [32, 64, 1],
        [32, 32, 2],
        [14, 14, 2],
      ] as const) {
        const image = tfl.input({ shape: [height, width, 4] })
        const features = pretrainedFeatures(image, judge, { upsampling })
        expect(features.map((f) => f.shape)).toEqual(judge === 'linear' ? [[null, 72]] : features.map(() => [null, expect.any(Number)]))
        const model = tfl.model({ inputs: image, outputs: features })
        const floats = model.layers
          .filter((l) => !['InputLayer', 'Concatenate', 'Flatten'].includes(l.getClassName()))
          .reduce((sum, l) => sum + (l.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1), 0)
        expect(pretrainedFeatureFloats(height, width, judge, upsampling), `${judge}, ${height}×${width} ×${upsampling}`).toBe(floats)
        model.dispose()
      }
    }
    expect(pretrainedFeatureFloats(32, 32, 'projected')).toBeGreaterThan(pretrainedFeatureFloats(32, 32, 'linear'))
    // Enlarged twice, D reads the maps of a 64×64 image (32×32, 16×16, 8×8): one more stride-2
    // convolution in the first two heads, and a stride-2 one for the third's 3×3.
    const heads = (upsampling: number) =>
      buildDiscriminator({ ...cfg, pretrainedFeatures: true, featureJudge: 'projected', featureUpsampling: upsampling })
        .layers.filter((l) => l.name.startsWith(`${FEATURES_PREFIX}head_`))
        .map((l) => l.name)
        .sort()
    expect(heads(2)).toEqual([...heads(1), ...['head_0_2', 'head_1_1'].map((n) => FEATURES_PREFIX + n)].sort())
  })
})
