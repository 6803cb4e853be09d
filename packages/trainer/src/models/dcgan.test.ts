import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { defaultFilters } from './architecture.js'
import { buildDiscriminator, buildGenerator, checkImageSize, type DcganConfig } from './dcgan.js'
import { SpectralNormalization } from './spectral-norm.js'

const base: DcganConfig = {
  latentSize: 6,
  width: 16,
  height: 16,
  channels: 3,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  kernelSize: 4,
  seed: 1,
}
const layerNames = (m: tfl.LayersModel) => m.layers.map((l) => l.getClassName())

describe('DCGAN family', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('one more ×2 stage per doubling of the size', () => {
    for (const [size, stages] of [
      [28, 2],
      [32, 2],
      [64, 3],
      [128, 4],
    ] as const) {
      const filters = defaultFilters(size)
      expect([filters.generatorFilters.length, filters.discriminatorFilters.length]).toEqual([stages, stages])
    }
    const g = buildGenerator({ ...base, width: 64, height: 64, generatorFilters: [16, 8, 4] })
    expect(g.outputs[0]!.shape).toEqual([null, 64, 64, 3])
    expect(g.getClassName()).toBe('Sequential')
    g.dispose()
  })

  it('outputFilters: the last upsampling makes that many maps, and a 3×3 conv at full resolution the image', () => {
    const plain = buildGenerator(base)
    const g = buildGenerator({ ...base, outputFilters: 5 })
    expect(layerNames(g).slice(layerNames(plain).length - 1)).toEqual(['Conv2DTranspose', 'BatchNormalization', 'LeakyReLU', 'Conv2D'])
    const [upsampling, , , conv] = g.layers.slice(-4)
    expect(upsampling!.outputShape).toEqual([null, 16, 16, 5])
    expect(conv!.getConfig()).toMatchObject({ kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'tanh', filters: 3 })
    expect(g.outputs[0]!.shape).toEqual([null, 16, 16, 3])
    expect(layerNames(buildGenerator({ ...base, outputFilters: 0 }))).toEqual(layerNames(plain))
    g.dispose()
    plain.dispose()
  })

  it("upsampling: 'nearest' makes every ×2 stage UpSampling2D → Conv2D(3×3), with and without outputFilters", () => {
    const transposed = buildGenerator({ ...base, outputFilters: 5 })
    const g = buildGenerator({ ...base, outputFilters: 5, upsampling: 'nearest' })
    expect(layerNames(g)).toEqual(layerNames(transposed).flatMap((n) => (n === 'Conv2DTranspose' ? ['UpSampling2D', 'Conv2D'] : [n])))
    const convs = g.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.getConfig())
    // Each with the filters, bias and initialiser seed of the transposed convolution it replaces; then the output convolution.
    const seed = (c: (typeof convs)[number]) => (c.kernelInitializer as { config: { seed: number } }).config.seed
    expect(convs.map((c) => [c.kernelSize, c.strides, c.padding, c.filters, c.useBias, seed(c)])).toEqual([
      [[3, 3], [1, 1], 'same', 4, false, 2],
      [[3, 3], [1, 1], 'same', 5, false, 3],
      [[3, 3], [1, 1], 'same', 3, true, 101],
    ])
    expect(g.outputs[0]!.shape).toEqual([null, 16, 16, 3])
    const plain = buildGenerator({ ...base, upsampling: 'nearest' })
    expect(plain.layers.at(-1)!.getConfig()).toMatchObject({ filters: 3, kernelSize: [3, 3], activation: 'tanh' })
    expect(plain.outputs[0]!.shape).toEqual([null, 16, 16, 3])
    // 'transposed' is the default: the same layers as leaving it out.
    expect(layerNames(buildGenerator({ ...base, outputFilters: 5, upsampling: 'transposed' }))).toEqual(layerNames(transposed))
    for (const m of [transposed, g, plain]) m.dispose()
  })

  it('conditional: G takes [latent, label] through Embedding × latent; D adds a projection of the label', () => {
    const cfg = { ...base, classes: 5 }
    const g = buildGenerator(cfg)
    const d = buildDiscriminator(cfg)
    expect(g.inputs.map((i) => [i.name, i.shape, i.dtype])).toEqual([
      ['latent', [null, 6], 'float32'],
      ['label', [null, 1], 'int32'],
    ])
    expect(layerNames(g)).toEqual(expect.arrayContaining(['Embedding', 'Flatten', 'Multiply', 'Conv2DTranspose']))
    expect(layerNames(d)).toEqual(expect.arrayContaining(['Embedding', 'Dot', 'Add']))
    const z = tf.randomNormal([3, 6], 0, 1, 'float32', 1)
    const images = g.predict([z, tf.tensor2d([[0], [1], [4]], [3, 1], 'int32')]) as tf.Tensor
    const other = g.predict([z, tf.tensor2d([[1], [1], [4]], [3, 1], 'int32')]) as tf.Tensor
    expect(images.shape).toEqual([3, 16, 16, 3])
    const rows = (t: tf.Tensor) => (t.arraySync() as number[][][][]).map((r) => JSON.stringify(r))
    // The label changes the image of its row only.
    expect(rows(images).map((r, i) => r === rows(other)[i])).toEqual([false, true, true])
    const logits = d.predict([images, tf.tensor2d([[0], [1], [4]], [3, 1], 'int32')]) as tf.Tensor
    expect(logits.shape).toEqual([3, 1])
    g.dispose()
    d.dispose()
  })

  it('labelConditioning: multiply scales the latent by the class embedding, concat appends it (a class term without the latent)', () => {
    const zero = tf.zeros([2, 6])
    const labels = tf.tensor2d([[0], [1]], [2, 1], 'int32')
    const imagesOf = (g: tfl.LayersModel) => (g.predict([zero, labels]) as tf.Tensor).arraySync() as number[][][][]
    const multiply = buildGenerator({ ...base, classes: 2 })
    const concat = buildGenerator({ ...base, classes: 2, labelConditioning: 'concat' })
    expect(layerNames(concat)).toEqual(expect.arrayContaining(['Embedding', 'Concatenate']))
    expect(layerNames(concat)).not.toContain('Multiply')
    expect(concat.layers.find((l) => l.getClassName() === 'Dense')!.getWeights()[0]!.shape).toEqual([12, 8 * 4 * 4])
    // The zero latent: times any embedding it is zero, so both classes draw one image; appended, they differ.
    const [m0, m1] = imagesOf(multiply)
    const [c0, c1] = imagesOf(concat)
    expect(JSON.stringify(m0)).toBe(JSON.stringify(m1))
    expect(JSON.stringify(c0)).not.toBe(JSON.stringify(c1))
    multiply.dispose()
    concat.dispose()
  })

  it.each(['plain', 'residual'] as const)(
    'labelConditioning: batchnorm gives each of a %s generator’s batch norms a scale and shift per class, starting as plain BN; the latent goes in alone',
    (generatorBlocks) => {
      const cfg = { ...base, classes: 3, labelConditioning: 'batchnorm', generatorBlocks, outputFilters: 4 } as const
      const g = buildGenerator(cfg)
      const norms = g.layers.filter((l) => l.getClassName() === 'BatchNormalization')
      expect(norms).toHaveLength(generatorBlocks === 'plain' ? 3 : 5)
      expect(g.layers.filter((l) => l.getClassName() === 'Embedding')).toHaveLength(2 * norms.length)
      // BN's own scale and shift are not trained; the tables are, one row per class.
      expect(norms.every((l) => !l.trainable)).toBe(true)
      const tables = g.trainableWeights.filter((w) => w.originalName.includes('embedding'))
      expect(tables.map((w) => w.shape)).toEqual(
        norms.flatMap((l) => [
          [3, l.getWeights()[0]!.shape[0]],
          [3, l.getWeights()[0]!.shape[0]],
        ]),
      )
      expect(g.layers.find((l) => l.getClassName() === 'Dense')!.getWeights()[0]!.shape[0]).toBe(6)

      const latents = tf.randomNormal([3, 6], 0, 1, 'float32', 5)
      const labels = tf.tensor2d([[0], [1], [2]], [3, 1], 'int32')
      const same = tf.tile(tf.slice(latents, [0, 0], [1, 6]), [3, 1])
      const draw = () => (g.predict([same, labels]) as tf.Tensor).arraySync() as number[][][][]
      // At the start (scales 1, shifts 0) the class changes nothing; once a class's row moves, its images do.
      const [a, b, c] = draw()
      expect(JSON.stringify(a)).toBe(JSON.stringify(b))
      expect(JSON.stringify(b)).toBe(JSON.stringify(c))
      const shift = tables[1]!
      shift.write(tf.tile(tf.tensor2d([0, 0.5, 0], [3, 1]), [1, shift.shape[1]!]))
      const [a2, b2, c2] = draw()
      expect(JSON.stringify(a2)).toBe(JSON.stringify(a))
      expect(JSON.stringify(c2)).toBe(JSON.stringify(c))
      expect(JSON.stringify(b2)).not.toBe(JSON.stringify(b))

      // Trains: in training mode the batch statistics normalise, and every table gets a gradient.
      const { grads } = tf.variableGrads(
        () => tf.mean(tf.square(g.apply([latents, labels], { training: true }) as tf.Tensor)) as tf.Scalar,
        tables.map((w) => w.read() as tf.Variable),
      )
      expect(Object.values(grads).every((grad) => tf.sum(tf.abs(grad)).dataSync()[0]! > 0)).toBe(true)
      const movingMeans = norms.map((l) => l.weights.find((w) => w.name.includes('moving_mean'))!.read())
      expect(movingMeans.every((mean) => tf.max(tf.abs(mean)).dataSync()[0]! > 0)).toBe(true)
      tf.dispose([latents, labels, same, ...Object.values(grads)])
      g.dispose()
    },
  )

  it('auxiliaryClassifier: a conditional D also returns one logit per class, from the features its logit sees', () => {
    const cfg = { ...base, classes: 5, auxiliaryClassifier: true, spectralNorm: true }
    const d = buildDiscriminator(cfg)
    const plain = buildDiscriminator({ ...cfg, auxiliaryClassifier: false })
    expect(d.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, 5],
    ])
    // One more layer, the head (spectral-normed like the rest of D); the other weights start as without it.
    expect(d.layers.length).toBe(plain.layers.length + 1)
    const values = (m: tfl.LayersModel, skip: (name: string) => boolean) =>
      m.weights.filter((w) => !skip(w.originalName)).map((w) => Array.from(w.read().dataSync()))
    const head = d.layers.at(-1)!.name
    expect(d.weights.some((w) => w.originalName.startsWith(`${head}/`))).toBe(true)
    expect(values(d, (name) => name.startsWith(`${head}/`))).toEqual(values(plain, () => false))
    expect(() => buildDiscriminator({ ...base, auxiliaryClassifier: true })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringMatching(/auxiliaryClassifier needs classes/) }),
    )
    const [logit, classes] = d.predict([tf.zeros([2, 16, 16, 3]), tf.tensor2d([[0], [4]], [2, 1], 'int32')]) as tf.Tensor[]
    expect([logit!.shape, classes!.shape]).toEqual([
      [2, 1],
      [2, 5],
    ])
    d.dispose()
    plain.dispose()
  })

  it('decoder: D also returns the image rebuilt from its last feature maps, after its other outputs, outside spectral norm', () => {
    const cfg = { ...base, discriminatorFilters: [64, 16], classes: 5, auxiliaryClassifier: true, spectralNorm: true }
    const d = buildDiscriminator({ ...cfg, decoder: true })
    const plain = buildDiscriminator(cfg)
    expect(d.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, 5],
      [null, 16, 16, 3],
    ])
    // One ×2 stage per strided conv, from the smallest maps up: a quarter of its filters, at least 8; then the image.
    const convs = d.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.getConfig())
    expect(convs.map((c) => [c.filters, c.kernelSize, c.activation])).toEqual([
      [8, [3, 3], 'linear'],
      [16, [3, 3], 'linear'],
      [3, [3, 3], 'tanh'],
    ])
    expect(layerNames(d).filter((n) => n === 'UpSampling2D')).toHaveLength(2)
    const normedLayers = (m: tfl.LayersModel) => layerNames(m).filter((n) => n === 'SpectralNormalization').length
    expect(normedLayers(d)).toBe(normedLayers(plain))
    // The trunk and heads start as without the decoder: the same logits and class logits.
    const inputs = [tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 3), tf.tensor2d([[0], [4]], [2, 1], 'int32')]
    const judged = (m: tfl.LayersModel) =>
      tf.tidy(() => (m.predict(inputs) as tf.Tensor[]).slice(0, 2).map((t) => Array.from(t.dataSync())))
    expect(judged(d)).toEqual(judged(plain))
    const unconditional = buildDiscriminator({ ...base, decoder: true })
    const outputs = unconditional.predict(tf.zeros([2, 16, 16, 3])) as tf.Tensor[]
    expect(outputs.map((o) => o.shape)).toEqual([
      [2, 1],
      [2, 16, 16, 3],
    ])
    tf.dispose([...outputs, ...inputs])
    ;[d, plain, unconditional].forEach((m) => m.dispose())
  })

  it('checkImageSize: the image must halve once per generator filter, and with a decoder once per discriminator filter', () => {
    expect(() => checkImageSize({ ...base, width: 12, height: 12, decoder: true })).not.toThrow()
    expect(() => checkImageSize({ ...base, width: 12, height: 12, generatorFilters: [8, 8, 8] })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringMatching(
          /image size 12×12 is not divisible by 2\^3 = 8 .*: use at most 2 generator filters, or resize the images\./,
        ),
      }),
    )
    expect(() => checkImageSize({ ...base, width: 12, height: 12, discriminatorFilters: [4, 8, 16] })).not.toThrow()
    expect(() => checkImageSize({ ...base, width: 12, height: 12, discriminatorFilters: [4, 8, 16], decoder: true })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringMatching(
          /the reconstruction decoder cannot rebuild 12×12 images from 3 stride-2 convolutions .*: use at most 2 discriminator filters, or leave --reconstruction out\./,
        ),
      }),
    )
    expect(() => buildDiscriminator({ ...base, width: 12, height: 12, discriminatorFilters: [4, 8, 16], decoder: true })).toThrow(
      /use at most 2 discriminator filters/,
    )
  })

  it('inputFilters: D starts with a 3×3 stride-1 conv of that many maps at full resolution, spectrally normed with the rest', () => {
    const plain = buildDiscriminator(base)
    const d = buildDiscriminator({ ...base, inputFilters: 5 })
    expect(layerNames(d)).toEqual(['Conv2D', 'LeakyReLU', ...layerNames(plain)])
    expect(d.layers[0]!.getConfig()).toMatchObject({ kernelSize: [3, 3], strides: [1, 1], padding: 'same', filters: 5 })
    expect(d.layers[0]!.outputShape).toEqual([null, 16, 16, 5])
    expect(d.layers[2]!.outputShape).toEqual([null, 8, 8, 4])
    expect(layerNames(buildDiscriminator({ ...base, inputFilters: 0 }))).toEqual(layerNames(plain))
    const normed = buildDiscriminator({ ...base, inputFilters: 5, spectralNorm: true, classes: 3 })
    expect(layerNames(normed).filter((n) => n === 'SpectralNormalization')).toHaveLength(4)
    expect(normed.outputs[0]!.shape).toEqual([null, 1])
    for (const m of [plain, d, normed]) m.dispose()
  })

  it('spectral norm wraps every conv and the logit of D; the unconditional D without it stays Sequential', () => {
    const plain = buildDiscriminator(base)
    expect(plain.getClassName()).toBe('Sequential')
    const normed = buildDiscriminator({ ...base, spectralNorm: true })
    expect(layerNames(normed).filter((n) => n === 'SpectralNormalization')).toHaveLength(3)
    expect(normed.outputs[0]!.shape).toEqual([null, 1])
    plain.dispose()
    normed.dispose()
  })

  it("spectralNormProjection normalises a conditional D's class embedding too, and only with spectralNorm", () => {
    const cfg = { ...base, classes: 3, spectralNorm: true }
    const wrapped = (d: tfl.LayersModel) =>
      d.layers.filter((l) => l instanceof SpectralNormalization).map((l) => (l as SpectralNormalization).layer.getClassName())
    const normed = buildDiscriminator({ ...cfg, spectralNormProjection: true })
    expect(wrapped(normed)).toEqual(['Conv2D', 'Conv2D', 'Embedding', 'Dense'])
    expect(layerNames(normed)).not.toContain('Embedding')
    const plain = buildDiscriminator(cfg)
    expect(wrapped(plain)).toEqual(['Conv2D', 'Conv2D', 'Dense'])
    expect(layerNames(plain)).toContain('Embedding')
    const images = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 2)
    const logits = normed.predict([images, tf.tensor2d([[0], [2]], [2, 1], 'int32')]) as tf.Tensor
    expect(logits.shape).toEqual([2, 1])
    const off = buildDiscriminator({ ...base, classes: 3, spectralNormProjection: true })
    expect(wrapped(off)).toEqual([])
    tf.dispose([images, logits])
    ;[normed, plain, off].forEach((d) => d.dispose())
  })

  it("generatorBlocks: 'residual' makes each ×2 stage a pre-activation block summed with a 1×1 shortcut, then BN → LeakyReLU → Conv2D(3×3) → tanh", () => {
    const g = buildGenerator({ ...base, generatorBlocks: 'residual', outputFilters: 5 })
    // Functional even when unconditional (TF.js numbers repeated input names: latent_1, …).
    const inputName = (i: tfl.SymbolicTensor) => i.name.replace(/_\d+$/, '')
    expect(g.inputs.map((i) => [inputName(i), i.shape])).toEqual([['latent', [null, 6]]])
    expect(g.outputs[0]!.shape).toEqual([null, 16, 16, 3])
    const count = (name: string) => layerNames(g).filter((n) => n === name).length
    // Two blocks (4×4×8 → 8×8×4 → 16×16×5): BN twice each and once before the output convolution.
    expect([count('Add'), count('Conv2DTranspose'), count('UpSampling2D'), count('BatchNormalization')]).toEqual([2, 2, 2, 5])
    const adds = g.layers.filter((l) => l.getClassName() === 'Add')
    expect(adds.map((l) => l.outputShape)).toEqual([
      [null, 8, 8, 4],
      [null, 16, 16, 5],
    ])
    // Each sum takes the main path's 3×3 convolution and the shortcut's 1×1 one (on the block's input, upsampled).
    const config = (l: tfl.layers.Layer) => l.getConfig() as { kernelSize: number[]; filters: number; useBias: boolean }
    for (const [add, filters] of [
      [adds[0]!, 4],
      [adds[1]!, 5],
    ] as const) {
      const [main, shortcut] = add.inboundNodes[0]!.inboundLayers
      expect([main, shortcut].map((l) => [l!.getClassName(), config(l!).kernelSize, config(l!).filters])).toEqual([
        ['Conv2D', [3, 3], filters],
        ['Conv2D', [1, 1], filters],
      ])
    }
    // Both paths start from the block's input (the reshaped dense layer, then the first sum): the
    // shortcut raw, the main path through BN → LeakyReLU → upsampling → BN → LeakyReLU → 3×3 conv.
    const source = (l: tfl.layers.Layer) => l.inboundNodes[0]!.inboundLayers[0]!
    const path = (l: tfl.layers.Layer, n: number) => Array.from({ length: n }, () => (l = source(l)).getClassName())
    const reshape = g.layers.find((l) => l.getClassName() === 'Reshape')!
    for (const [add, input] of [
      [adds[0]!, reshape],
      [adds[1]!, adds[0]!],
    ] as const) {
      const [main, shortcut] = add.inboundNodes[0]!.inboundLayers as [tfl.layers.Layer, tfl.layers.Layer]
      expect(path(shortcut, 1)).toEqual(['UpSampling2D'])
      expect(source(source(shortcut))).toBe(input)
      expect(path(main, 5)).toEqual(['LeakyReLU', 'BatchNormalization', 'Conv2DTranspose', 'LeakyReLU', 'BatchNormalization'])
      let l = main
      for (let i = 0; i < 6; i++) l = source(l)
      expect(l).toBe(input)
    }
    expect(g.layers.at(-1)!.getConfig()).toMatchObject({ filters: 3, kernelSize: [3, 3], activation: 'tanh' })
    expect(g.layers.at(-2)!.getClassName()).toBe('LeakyReLU')
    // Without outputFilters the last block keeps the last generator filter's width; nearest upsampling
    // replaces each transposed convolution with UpSampling2D → Conv2D(3×3).
    const narrow = buildGenerator({ ...base, generatorBlocks: 'residual' })
    expect(narrow.layers.filter((l) => l.getClassName() === 'Add').map((l) => l.outputShape)).toEqual([
      [null, 8, 8, 4],
      [null, 16, 16, 4],
    ])
    const nearest = buildGenerator({ ...base, generatorBlocks: 'residual', upsampling: 'nearest' })
    expect(layerNames(nearest)).not.toContain('Conv2DTranspose')
    expect(layerNames(nearest).filter((n) => n === 'UpSampling2D')).toHaveLength(4)
    // 'plain' is the default: the same layers as leaving it out.
    expect(layerNames(buildGenerator({ ...base, generatorBlocks: 'plain' }))).toEqual(layerNames(buildGenerator(base)))
    const conditional = buildGenerator({ ...base, generatorBlocks: 'residual', classes: 3 })
    expect(conditional.inputs.map(inputName)).toEqual(['latent', 'label'])
    const images = conditional.predict([tf.randomNormal([2, 6], 0, 1, 'float32', 1), tf.tensor2d([[0], [2]], [2, 1], 'int32')]) as tf.Tensor
    expect(images.shape).toEqual([2, 16, 16, 3])
    expect(tf.max(tf.abs(images)).dataSync()[0]).toBeLessThanOrEqual(1)
    for (const m of [g, narrow, nearest, conditional]) m.dispose()
  })

  it.each([
    ['residual', 'transposed', 4],
    ['residual', 'nearest', 4],
    ['plain', 'transposed', 4],
    ['plain', 'transposed', 3],
    ['plain', 'transposed', 2],
  ] as const)(
    "generatorPadding: 'reflect' (%s, %s, kernel %i): the same weights, every convolution mirrored, and the zero-padded image away from the border",
    (generatorBlocks, upsampling, kernelSize) => {
      const cfg: DcganConfig = { ...base, width: 32, height: 32, generatorBlocks, upsampling, kernelSize, outputFilters: 5 }
      const zeros = buildGenerator(cfg)
      const reflect = buildGenerator({ ...cfg, generatorPadding: 'reflect' })
      expect(reflect.outputs[0]!.shape).toEqual([null, 32, 32, 3])
      expect(reflect.getWeights().map((w) => w.shape)).toEqual(zeros.getWeights().map((w) => w.shape))
      // Every convolution wider than 1×1 reads a mirrored input and pads nothing itself.
      const convs = reflect.layers.filter((l) => ['Conv2D', 'Conv2DTranspose'].includes(l.getClassName()))
      const wide = convs.filter((l) => (l.getConfig() as { kernelSize: number[] }).kernelSize[0]! > 1)
      expect(wide.length).toBeGreaterThan(2)
      for (const conv of wide) {
        expect(conv.inboundNodes[0]!.inboundLayers[0]!.getClassName()).toBe('ReflectionPadding2D')
        expect(conv.getConfig()).toMatchObject({ padding: 'valid' })
      }
      // With the same weights the two generators differ only near the border: a crop misaligned by
      // a pixel would move the whole image.
      // Weights far from DCGAN's small initial ones, so that the border shows (variances stay positive).
      const weights = zeros
        .getWeights()
        .map((w, i) =>
          zeros.weights[i]!.name.includes('moving_variance') ? tf.onesLike(w) : tf.randomUniform(w.shape, -0.5, 0.5, 'float32', i),
        )
      zeros.setWeights(weights)
      reflect.setWeights(weights)
      tf.dispose(weights)
      const latent = tf.randomNormal([2, 6], 0, 1, 'float32', 7)
      const [a, b] = [zeros.predict(latent), reflect.predict(latent)] as tf.Tensor4D[]
      const centre = (t: tf.Tensor4D) => tf.slice(t, [0, 12, 12, 0], [2, 8, 8, 3])
      expect(tf.max(tf.abs(tf.sub(centre(a!), centre(b!)))).dataSync()[0]).toBeLessThan(1e-5)
      expect(tf.max(tf.abs(tf.sub(a!, b!))).dataSync()[0]).toBeGreaterThan(1e-2)
      tf.dispose([latent, a!, b!])
      for (const m of [zeros, reflect]) m.dispose()
    },
  )
})
