import { describe, expect, it } from 'vitest'
import { resolveTrainOptions } from './options.js'

describe('resolveTrainOptions', () => {
  it('fills documented defaults', () => {
    const o = resolveTrainOptions({ outDir: 'runs/x' })
    expect(o).toMatchObject({
      data: { kind: 'mnist' },
      shape: { size: 28, channels: 1, fit: 'crop' },
      conditional: false,
      loss: 'ns',
      augment: [],
      mirror: false,
      resume: false,
      force: false,
      steps: 3000,
      batchSize: 64,
      learningRate: 2e-4,
      discriminatorLearningRate: 2e-4,
      learningRateDecaySteps: 0,
      standingStats: 0,
      classLoss: 0,
      lecam: 0,
      reconstruction: 0,
      topK: 1,
      blurSteps: 0,
      beta1: 0.5,
      backend: 'auto',
      fastKernels: true,
      workers: 'auto',
    })
    expect(resolveTrainOptions({ outDir: 'x', workers: 2 }).workers).toBe(2)
    // The discriminator's rate follows the generator's unless it is given (TTUR).
    expect(resolveTrainOptions({ outDir: 'x', learningRate: 1e-4 })).toMatchObject({ learningRate: 1e-4, discriminatorLearningRate: 1e-4 })
    expect(resolveTrainOptions({ outDir: 'x', learningRate: 1e-4, discriminatorLearningRate: 4e-4 })).toMatchObject({
      learningRate: 1e-4,
      discriminatorLearningRate: 4e-4,
    })
    expect(o.model).toEqual({
      latentSize: 100,
      generatorFilters: [128, 64],
      discriminatorFilters: [64, 128],
      kernelSize: 4,
      upsampling: 'transposed',
      generatorBlocks: 'plain',
      generatorPadding: 'zeros',
      outputFilters: 0,
      inputFilters: 0,
      seed: 1,
      labelConditioning: 'multiply',
      spectralNorm: false,
      spectralNormProjection: false,
      auxiliaryClassifier: false,
      decoder: false,
      pretrainedFeatures: false,
      featureJudge: 'linear',
      featureUpsampling: 1,
    })
    expect(resolveTrainOptions({ outDir: 'x', pretrainedFeatures: true }).model).toMatchObject({
      pretrainedFeatures: true,
      featureJudge: 'linear',
      featureUpsampling: 1,
    })
    expect(resolveTrainOptions({ outDir: 'x', pretrainedFeatures: true, featureJudge: 'projected' }).model.featureJudge).toBe('projected')
    expect(resolveTrainOptions({ outDir: 'x', blurSteps: 1500 }).blurSteps).toBe(1500)
    expect(resolveTrainOptions({ outDir: 'x', pretrainedFeatures: true, featureUpsampling: 2 }).model.featureUpsampling).toBe(2)
    expect(resolveTrainOptions({ outDir: 'x', conditional: true, classLoss: 0.5 })).toMatchObject({
      classLoss: 0.5,
      model: { auxiliaryClassifier: true },
    })
    expect(resolveTrainOptions({ outDir: 'x', reconstruction: 0.5 })).toMatchObject({ reconstruction: 0.5, model: { decoder: true } })
  })

  it('takes size, channels and the network widths from the dataset, and a folder from any other name', () => {
    expect(resolveTrainOptions({ outDir: 'x', dataset: 'emoji' })).toMatchObject({
      data: { kind: 'emoji' },
      shape: { size: 32, channels: 4 },
    })
    expect(resolveTrainOptions({ outDir: 'x', dataset: 'emoji-subcategories' })).toMatchObject({
      data: { kind: 'emoji-subcategories' },
      shape: { size: 32, channels: 4 },
    })
    const folder = resolveTrainOptions({ outDir: 'x', dataset: './photos', size: 128, augment: ['cutout', 'translation'] })
    expect(resolveTrainOptions({ outDir: 'x', augment: ['contrast', 'brightness'] }).augment).toEqual(['brightness', 'contrast'])
    expect(folder).toMatchObject({ data: { kind: 'folder', path: './photos' }, shape: { size: 128, channels: 3 } })
    expect(folder.model).toMatchObject({ generatorFilters: [256, 128, 64, 32], discriminatorFilters: [32, 64, 128, 256] })
    // Policies apply in the paper's order, whatever order they are listed in.
    expect(folder.augment).toEqual(['translation', 'cutout'])
    expect(resolveTrainOptions({ outDir: 'x', dataset: 'photos', size: 64 }).model.generatorFilters).toEqual([256, 128, 64])
  })

  it('spectralNormProjection reaches the model with spectralNorm on a conditional run', () => {
    const o = resolveTrainOptions({ outDir: 'x', dataset: 'emoji', conditional: true, spectralNorm: true, spectralNormProjection: true })
    expect(o.model).toMatchObject({ spectralNorm: true, spectralNormProjection: true })
    expect(resolveTrainOptions({ outDir: 'x' }).model.spectralNormProjection).toBe(false)
  })

  it('takes Adam β1 from 0 (no momentum, as SNGAN and BigGAN train) to below 1', () => {
    expect(resolveTrainOptions({ outDir: 'x', beta1: 0 }).beta1).toBe(0)
    expect(() => resolveTrainOptions({ outDir: 'x', beta1: 1 })).toThrow(/beta1 must be a number in \[0, 1\), got 1\./)
  })

  it('labelConditioning reaches the model of a conditional run', () => {
    expect(resolveTrainOptions({ outDir: 'x', conditional: true, labelConditioning: 'concat' }).model.labelConditioning).toBe('concat')
    expect(resolveTrainOptions({ outDir: 'x', conditional: true }).model.labelConditioning).toBe('multiply')
    // The default says nothing about classes, so an unconditional run takes it, as classLoss 0.
    expect(resolveTrainOptions({ outDir: 'x', labelConditioning: 'multiply' }).model.labelConditioning).toBe('multiply')
  })

  it('does not mutate the caller object', () => {
    const input = Object.freeze({ outDir: 'runs/x', steps: 10, generatorFilters: Object.freeze([32, 16]) })
    const o = resolveTrainOptions(input)
    expect(o.model.generatorFilters).not.toBe(input.generatorFilters)
    expect(input).toEqual({ outDir: 'runs/x', steps: 10, generatorFilters: [32, 16] })
  })

  it.each([
    [{ steps: 0 }, /steps must be an integer ≥ 1, got 0\./],
    [{ batchSize: 2.5 }, /batchSize must be an integer ≥ 1, got 2\.5\./],
    [{ steps: '10' }, /steps must be an integer ≥ 1, got "10"\./],
    [{ learningRate: -1 }, /learningRate must be a number in \(0, 1\), got -1\./],
    [{ discriminatorLearningRate: 1 }, /discriminatorLearningRate must be a number in \(0, 1\), got 1\./],
    [{ learningRateDecaySteps: -1 }, /learningRateDecaySteps must be an integer ≥ 0, got -1\./],
    [
      { steps: 100, learningRateDecaySteps: 101 },
      /learningRateDecaySteps 101 is more than the run's 100 steps: use at most --lr-decay-steps 100/,
    ],
    [{ emaDecay: 1 }, /emaDecay must be a number in \[0, 1\), got 1\./],
    [{ standingStats: 2.5 }, /standingStats must be an integer ≥ 0, got 2\.5\./],
    [{ outputFilters: -1 }, /outputFilters must be an integer ≥ 0, got -1\./],
    [{ discriminatorInputFilters: 1.5 }, /discriminatorInputFilters must be an integer ≥ 0, got 1\.5\./],
    [{ classLoss: -0.1, conditional: true }, /classLoss must be a number ≥ 0, got -0\.1\./],
    [{ lecam: -1 }, /lecam must be a number ≥ 0, got -1\./],
    [{ reconstruction: -1 }, /reconstruction must be a number ≥ 0, got -1\./],
    [{ topK: 0 }, /topK must be a number in \(0, 1\], got 0\./],
    [{ topK: 1.5 }, /topK must be a number in \(0, 1\], got 1\.5\./],
    [{ blurSteps: -1 }, /blurSteps must be an integer ≥ 0, got -1\./],
    [{ blurSteps: 10.5 }, /blurSteps must be an integer ≥ 0, got 10\.5\./],
    [
      { featureJudge: 'projected' },
      /featureJudge "projected" sets how the discriminator judges pretrained features: add --pretrained-features, or leave --feature-judge out\./,
    ],
    [{ featureJudge: 'conv', pretrainedFeatures: true }, /featureJudge must be one of linear, projected, got "conv"\./],
    [{ featureUpsampling: 0, pretrainedFeatures: true }, /featureUpsampling must be an integer ≥ 1, got 0\./],
    [
      { featureUpsampling: 2 },
      /featureUpsampling 2 enlarges the images for the pretrained features: add --pretrained-features, or leave --feature-upsampling out\./,
    ],
    [{ classLoss: 1 }, /classLoss 1 needs class labels: train a conditional model \(--conditional\), or leave --class-loss out\./],
    [
      { spectralNormProjection: true, spectralNorm: true },
      /spectralNormProjection normalises a conditional discriminator's class embedding beside its spectrally normalised layers: add --conditional, or leave --spectral-norm-projection out\./,
    ],
    [{ spectralNormProjection: true, conditional: true }, /add --spectral-norm, or leave/],
    [{ spectralNormProjection: true }, /add --conditional and --spectral-norm, or leave/],
    [{ spectralNormProjection: 'yes', conditional: true, spectralNorm: true }, /spectralNormProjection must be true or false, got "yes"\./],
    [{ labelConditioning: 'add', conditional: true }, /labelConditioning must be one of multiply, concat, batchnorm, got "add"\./],
    [{ upsampling: 'bilinear' }, /upsampling must be one of transposed, nearest, got "bilinear"\./],
    [{ generatorBlocks: 'resnet' }, /generatorBlocks must be one of plain, residual, got "resnet"\./],
    [{ generatorPadding: 'mirror' }, /generatorPadding must be one of zeros, reflect, got "mirror"\./],
    [
      { labelConditioning: 'concat' },
      /labelConditioning "concat" sets how a conditional generator takes its class: add --conditional, or leave --label-conditioning out\./,
    ],
    [{ generatorFilters: [] }, /generatorFilters must be a non-empty list of positive integers, e\.g\. \[128, 64\], got \[\]\./],
    [{ dataset: '' }, /dataset "" is empty: use mnist, emoji, emoji-subcategories or the path of a folder of images\./],
    [{ size: 48 }, /size must be one of 28, 32, 64, 128, got 48\./],
    [{ channels: 2 }, /channels must be one of 1, 3, 4, got 2\./],
    [{ fit: 'stretch' }, /fit must be one of crop, pad, got "stretch"\./],
    [{ loss: 'wgan' }, /loss must be one of ns, hinge, got "wgan"\./],
    [
      { augment: ['flip'] },
      /augment must list distinct policies out of translation, cutout, color, brightness, saturation, contrast \(or none\), got \["flip"\]\./,
    ],
    [
      { augment: ['color', 'saturation'] },
      /augment lists color and saturation, which color already applies: pass color alone \(brightness, saturation and contrast\) or only the parts you want\./,
    ],
    [{ backend: 'webgl' }, /backend must be one of auto, tfjs-node-gpu, tfjs-node, wasm, cpu, got "webgl"\./],
    [{ workers: 0 }, /workers must be auto or an integer ≥ 1, got 0\./],
    [{ workers: 'all' }, /workers must be auto or an integer ≥ 1, got "all"\./],
    [{ conditional: 'yes' }, /conditional must be true or false, got "yes"\./],
    [{ mirror: 1 }, /mirror must be true or false, got 1\./],
    [{ name: '' }, /name must be a non-empty string such as "mnist-dcgan", or left out, got ""\./],
  ])('rejects %j as ERR_INVALID_OPTION with a message that says what is valid', (bad, message) => {
    const run = () => resolveTrainOptions({ outDir: 'x', ...(bad as object) })
    expect(run).toThrow(message)
    expect(run).toThrow(expect.objectContaining({ name: 'TrainError', code: 'ERR_INVALID_OPTION' }))
  })

  it('rejects an in-memory dataset whose fields disagree as ERR_DATASET', () => {
    const dataset = {
      name: 'dots',
      width: 4,
      height: 4,
      channels: 1 as const,
      pixels: new Float32Array(15),
      labels: new Uint8Array(1),
      classNames: ['dot'],
      count: 1,
      license: 'CC0-1.0',
    }
    const run = () => resolveTrainOptions({ outDir: 'x', dataset })
    expect(run).toThrow('[gan-train] dataset "dots": pixels is 15 floats, but count × height × width × channels = 16')
    expect(run).toThrow(expect.objectContaining({ name: 'TrainError', code: 'ERR_DATASET' }))
    expect(() => resolveTrainOptions({ outDir: 'x', dataset: { ...dataset, pixels: new Float32Array(16) } })).not.toThrow()
    expect(() => resolveTrainOptions({ outDir: 'x', dataset: { ...dataset, pixels: new Uint8Array(16) } })).not.toThrow()
    expect(() => resolveTrainOptions({ outDir: 'x', dataset: { ...dataset, pixels: new Float32Array(16) }, size: 32 })).toThrow(
      'size is for datasets the trainer loads; in-memory images keep their own shape (4×4×1): leave size out.',
    )
  })

  it('requires outDir', () => {
    expect(() => resolveTrainOptions({} as never)).toThrow(/outDir is required/)
  })
})
