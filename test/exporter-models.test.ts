import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { exportOnnx as exportUnchecked } from '@gan-sdk/exporter'
import { buildDiscriminator, buildGenerator, saveLayersModel, selectBackend, type DcganConfig } from '@gan-sdk/trainer'
import { Generator } from 'gan-sdk'
import { seedsToLatents, seedToInteger } from 'gan-sdk/core'
import { checkOnnx } from '../packages/exporter/src/testing/onnx-checker.js'

// The exporter on what the trainer builds (conditional, colour, spectral-normalised), and the SDK on
// what the exporter writes: the same images as TF.js, byte for byte up to one level of rounding.
const CONFIG: DcganConfig = {
  latentSize: 8,
  width: 16,
  height: 16,
  channels: 3,
  generatorFilters: [16, 8],
  discriminatorFilters: [8, 16],
  kernelSize: 4,
  seed: 3,
  classes: 3,
  spectralNorm: true,
}
const LABELS = ['circle', 'square', 'star']

type Model = Parameters<typeof saveLayersModel>[0]

/** The built exporter, with every model it returns put through the official ONNX checker (full_check), as in the exporter's own tests. */
const exportOnnx = (async (...args: Parameters<typeof exportUnchecked>) => {
  const result = await exportUnchecked(...args)
  await checkOnnx(result.bytes)
  return result
}) as typeof exportUnchecked

/** The model with random weights well away from the N(0, 0.02) start, so that every weight shows in the images; saved as the trainer saves. */
async function saved(model: Model): Promise<string> {
  const tf = await import('@tensorflow/tfjs-core')
  let seed = 7
  for (const layer of model.layers) {
    const weights = layer.getWeights()
    if (weights.length === 0) continue
    layer.setWeights(
      weights.map((w, i) =>
        layer.weights[i]!.name.endsWith('moving_variance')
          ? tf.randomUniform(w.shape, 0.5, 2, 'float32', seed++)
          : tf.randomNormal(w.shape, 0, 0.3, 'float32', seed++),
      ),
    )
  }
  const dir = await mkdtemp(join(tmpdir(), 'gan-exporter-models-'))
  await saveLayersModel(model, dir)
  return dir
}

/** The largest difference in pixel levels between the SDK's 16×16 RGB images and TF.js's outputs in [-1, 1] (NHWC). */
function worstLevelDifference(images: ReadonlyArray<{ data: Uint8Array | Uint8ClampedArray }>, values: Float32Array): number {
  const byte = (x: number) => Math.min(255, Math.max(0, Math.floor(((x + 1) * 255) / 2 + 0.5)))
  let worst = 0
  images.forEach((image, i) => {
    for (let p = 0; p < 16 * 16; p++)
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(image.data[p * 4 + c]! - byte(values[(i * 256 + p) * 3 + c]!)))
  })
  return worst
}

describe('exporting the trainer’s models', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  it.each([
    ['float32 weights', false, 0, 'multiply', 'transposed', 'plain', 'zeros'],
    ['float16 weights', true, 0, 'multiply', 'transposed', 'plain', 'zeros'],
    ['a 3×3 output convolution', false, 6, 'multiply', 'transposed', 'plain', 'zeros'],
    ['the class embedding concatenated', false, 0, 'concat', 'transposed', 'plain', 'zeros'],
    ['nearest upsampling and 3×3 convolutions', false, 6, 'multiply', 'nearest', 'plain', 'zeros'],
    ['residual blocks', false, 6, 'multiply', 'transposed', 'residual', 'zeros'],
    ['residual blocks, nearest upsampling, float16 weights', true, 0, 'concat', 'nearest', 'residual', 'zeros'],
    ['residual blocks, reflection padding, float16 weights', true, 6, 'multiply', 'transposed', 'residual', 'reflect'],
    ['nearest upsampling, reflection padding', false, 6, 'multiply', 'nearest', 'plain', 'reflect'],
    ['class-conditional batch norms', false, 6, 'batchnorm', 'transposed', 'plain', 'zeros'],
    ['residual blocks, class-conditional batch norms, float16 weights', true, 6, 'batchnorm', 'transposed', 'residual', 'zeros'],
  ] as const)(
    'a conditional colour generator (%s) loads in the SDK and generates TF.js’s images',
    async (_, fp16, outputFilters, labelConditioning, upsampling, generatorBlocks, generatorPadding) => {
      const generator = buildGenerator({ ...CONFIG, outputFilters, labelConditioning, upsampling, generatorBlocks, generatorPadding })
      // What was built (a stale trainer build would ignore generatorBlocks, labelConditioning or generatorPadding).
      const count = (className: string) => generator.layers.filter((l) => l.getClassName() === className).length
      const perClassNorms = labelConditioning === 'batchnorm' ? count('BatchNormalization') : 0
      expect(count('Add')).toBe((generatorBlocks === 'residual' ? 2 : 0) + perClassNorms)
      expect(count('Embedding')).toBe(perClassNorms ? 2 * perClassNorms : 1)
      expect(generator.layers.some((l) => l.getClassName() === 'ReflectionPadding2D')).toBe(generatorPadding === 'reflect')
      const { bytes, contract } = await exportOnnx(await saved(generator), { labels: LABELS, fp16 })
      expect(contract).toMatchObject({ labelInput: 'label', labels: LABELS, channels: 3, width: 16 })
      const g = await Generator.load(bytes)
      const seeds = [0, 1, 2, 5]
      const images = await g.generateBatch(seeds)
      const tf = await import('@tensorflow/tfjs-core')
      const predicted = generator.predict([
        tf.tensor2d(seedsToLatents(seeds, CONFIG.latentSize), [seeds.length, CONFIG.latentSize]),
        tf.tensor2d(
          seeds.map((s) => seedToInteger(s) % LABELS.length),
          [seeds.length, 1],
          'int32',
        ),
      ]) as import('@tensorflow/tfjs-core').Tensor
      const values = (await predicted.data()) as Float32Array
      expect(worstLevelDifference(images, values)).toBeLessThanOrEqual(1)
    },
  )

  it('an unconditional residual generator (a functional model with one input) exports, loads in the SDK and generates TF.js’s images', async () => {
    const config = { ...CONFIG, classes: 0, generatorBlocks: 'residual' } as const
    const generator = buildGenerator(config)
    expect(generator.layers.filter((l) => l.getClassName() === 'Add')).toHaveLength(2)
    const { bytes, contract } = await exportOnnx(await saved(generator), { fp16: true })
    expect(contract).toMatchObject({ latentSize: 8, channels: 3, width: 16, height: 16 })
    expect(contract.labelInput).toBeUndefined()
    const seeds = [0, 3]
    const images = await (await Generator.load(bytes)).generateBatch(seeds)
    const tf = await import('@tensorflow/tfjs-core')
    const values = (await (
      generator.predict(tf.tensor2d(seedsToLatents(seeds, 8), [2, 8])) as import('@tensorflow/tfjs-core').Tensor
    ).data()) as Float32Array
    expect(worstLevelDifference(images, values)).toBeLessThanOrEqual(1)
  })

  it('a spectral-normalised projection discriminator verifies with the trainer’s own SpectralNormalization', async () => {
    const result = await exportOnnx(await saved(buildDiscriminator(CONFIG)), { role: 'discriminator', labels: LABELS, range: [-1, 1] })
    expect(result.maxAbsDiff).toBeLessThan(1e-5)
    expect(result.contract).toMatchObject({ role: 'discriminator', labelInput: 'label', channels: 3 })
  })

  it.each([3, 4] as const)(
    'a discriminator with the feature judge (--pretrained-features, %i channels: frozen MobileNetV2, FeatureInput, Gain) verifies',
    async (channels) => {
      const model = buildDiscriminator({ ...CONFIG, channels, pretrainedFeatures: true })
      const classes = new Set(model.layers.map((l) => l.getClassName()))
      expect(['FeatureInput', 'DepthwiseConv2D', 'GlobalAveragePooling2D', 'Gain'].every((c) => classes.has(c))).toBe(true)
      const result = await exportOnnx(await saved(model), { role: 'discriminator', labels: LABELS, range: [-1, 1], fp16: channels === 4 })
      expect(result.maxAbsDiff).toBeLessThan(channels === 4 ? 2e-2 : 1e-4)
      expect(result.contract).toMatchObject({ role: 'discriminator', labelInput: 'label', channels })
    },
  )

  it("a discriminator with Projected GAN's judge (--feature-judge projected: fixed projections, bilinear upsampling, three heads) verifies", async () => {
    const model = buildDiscriminator({ ...CONFIG, channels: 4, pretrainedFeatures: true, featureJudge: 'projected' })
    const classes = new Set(model.layers.map((l) => l.getClassName()))
    expect(['FeatureInput', 'UpSampling2D', 'SpectralNormalization'].every((c) => classes.has(c))).toBe(true)
    // Its logits reach ±7 at initialisation (the linear judge's stay under 1): float32 rounding
    // through the extra layers leaves ONNX and TF.js up to 1e-3 apart (measured 9e-4).
    const result = await exportOnnx(await saved(model), { role: 'discriminator', labels: LABELS, range: [-1, 1], tolerance: 2e-3 })
    expect(result.maxAbsDiff).toBeLessThan(2e-3)
  })

  it('the SDK does not take a discriminator for a generator', async () => {
    const { bytes } = await exportOnnx(await saved(buildDiscriminator({ ...CONFIG, classes: 0 })), {
      role: 'discriminator',
      range: [-1, 1],
    })
    await expect(Generator.load(bytes)).rejects.toMatchObject({ code: 'ERR_NOT_A_GENERATOR' })
  })
})
