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
import { FEATURES_PREFIX, pretrainedFeatureFloats, pretrainedFeatures } from './pretrained-features.js'

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
    const optimizer = tf.train.adam(0.1)
    optimizer.minimize(
      () => tf.mean(D.apply([x, y], { training: true }) as tf.Tensor) as tf.Scalar,
      false,
      D.trainableWeights.map((w) => w.read() as tf.Variable),
    )
    expect(frozenWeights()).toEqual(before)
    expect(gain()).not.toBe(0)

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
    tf.dispose([x, y])
    optimizer.dispose()
    plain.dispose()
    D.dispose()
  })

  it("counts the branch's layer outputs for the memory estimate (the concatenation aside)", () => {
    for (const side of [32, 64, 12]) {
      const image = tfl.input({ shape: [side, side, 4] })
      const features = pretrainedFeatures(image)
      expect(features.shape).toEqual([null, 72])
      const model = tfl.model({ inputs: image, outputs: features })
      const floats = model.layers
        .filter((l) => !['InputLayer', 'Concatenate'].includes(l.getClassName()))
        .reduce((sum, l) => sum + (l.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1), 0)
      expect(pretrainedFeatureFloats(side, side), `${side} px`).toBe(floats)
      model.dispose()
    }
  })
})
