import { fromBinary } from '@bufbuild/protobuf'
import { ModelProtoSchema } from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import { ACTIVATIONS } from './activations.js'
import type { ExportResult } from '../export.js'
import type { ExportOptions } from '../options.js'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, dcgan, randomize, tfl } from '../testing/fixtures.js'
import { ReflectionPadding2D } from '../verify/reflection-padding-layer.js'

// Every test converts a random model and lets exportOnnx verify it against TF.js predict (which
// throws above 1e-4); the assertions then hold the measured difference to float32 rounding.
const ROUNDING = 1e-5

async function convert(model: tfl.LayersModel, options: Omit<ExportOptions, 'role'> = {}): Promise<ExportResult> {
  randomize(model, 1)
  // Fixtures are not all bounded by tanh; the range only matters to the contract, not to parity.
  return exportOnnx(await artifactsOf(model), { range: [-1, 1], ...options })
}

function opTypes(result: ExportResult): string[] {
  return fromBinary(ModelProtoSchema, result.bytes).graph!.node.map((n) => n.opType)
}

/** Dense(latent → h·w·c) → Reshape([h, w, c]): an image input for the layer under test. */
function imageInput(h: number, w: number, c: number): tfl.Sequential {
  const m = tfl.sequential()
  m.add(tfl.layers.dense({ inputShape: [4], units: h * w * c }))
  m.add(tfl.layers.reshape({ targetShape: [h, w, c] }))
  return m
}

describe('DCGAN generators (Dense → BN → LeakyReLU → Reshape → Conv2DTranspose stack → tanh)', () => {
  it.each([
    { name: 'MNIST shape, k=4', shape: { latent: 16, kernel: 4 } },
    { name: 'MNIST shape, k=5', shape: { latent: 16, kernel: 5 } },
    { name: 'RGB, k=4', shape: { latent: 12, kernel: 4, channels: 3 } },
    { name: 'RGBA, k=3, biases, odd 5×5 start', shape: { latent: 8, kernel: 3, channels: 4, start: 5, bias: true } },
    { name: 'k=2, three upsamplings', shape: { latent: 8, kernel: 2, start: 3, filters: [6, 5, 4] } },
    { name: 'k=5 valid padding', shape: { latent: 8, kernel: 5, start: 3, padding: 'valid' as const } },
  ])('$name', async ({ shape }) => {
    const result = await convert(dcgan(shape))
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    expect(result.contract.range).toEqual([-1, 1])
  })

  it('needs no Transpose for grey images and one (at the output) for colour; batch norms fold into the layer before', async () => {
    expect(opTypes(await convert(dcgan({ latent: 8 })))).toEqual([
      'Gemm',
      'LeakyRelu',
      'Reshape',
      'ConvTranspose',
      'LeakyRelu',
      'ConvTranspose',
      'Tanh',
      'Reshape',
    ])
    const grey = opTypes(await convert(dcgan({ latent: 8 }), { optimize: false }))
    expect(grey).toEqual([
      'Gemm',
      'BatchNormalization',
      'LeakyRelu',
      'Reshape',
      'ConvTranspose',
      'BatchNormalization',
      'LeakyRelu',
      'ConvTranspose',
      'Tanh',
      'Reshape',
    ])
    const rgb = opTypes(await convert(dcgan({ latent: 8, channels: 3 })))
    expect(rgb.filter((op) => op === 'Transpose')).toHaveLength(1)
    expect(rgb.at(-1)).toBe('Transpose')
  })
})

// Kernels 2–5, strides 1–2, both paddings, odd and even sizes: covers k < s, k = s, k > s and the
// odd padding pixel of 'same', which TF puts at the end.
const GRID = [2, 3, 4, 5].flatMap((k) =>
  [1, 2].flatMap((s) => (['same', 'valid'] as const).flatMap((padding) => [5, 6].map((n) => ({ k, s, padding, n })))),
)

describe.each([
  ['Conv2DTranspose', tfl.layers.conv2dTranspose],
  ['Conv2D', tfl.layers.conv2d],
] as const)('%s geometry grid', (_, layer) => {
  it.each(GRID)('k=$k s=$s $padding on $n×$n', async ({ k, s, padding, n }) => {
    const m = imageInput(n, n, 3)
    m.add(layer({ filters: 3, kernelSize: k, strides: s, padding }))
    expect((await convert(m)).maxAbsDiff).toBeLessThan(ROUNDING)
  })
})

describe('Conv2DTranspose geometry', () => {
  it('k=1 < s=2 (output_padding) and non-square kernel, strides and image', async () => {
    const a = imageInput(3, 4, 2)
    a.add(tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 1, strides: 2, padding: 'same' }))
    expect((await convert(a)).maxAbsDiff).toBeLessThan(ROUNDING)
    const b = imageInput(3, 5, 2)
    b.add(tfl.layers.conv2dTranspose({ filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'same' }))
    b.add(tfl.layers.conv2dTranspose({ filters: 4, kernelSize: [2, 5], strides: [1, 3], padding: 'valid' }))
    expect((await convert(b)).maxAbsDiff).toBeLessThan(ROUNDING)
  })
})

describe('Conv2D geometry', () => {
  it('non-square kernel, strides and image', async () => {
    const m = imageInput(7, 6, 2)
    m.add(tfl.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'same' }))
    m.add(tfl.layers.conv2d({ filters: 1, kernelSize: [1, 3], strides: [1, 2], padding: 'valid', useBias: false }))
    expect((await convert(m)).maxAbsDiff).toBeLessThan(ROUNDING)
  })
})

describe('activations, fused into Dense and Conv2D and as Activation layers', () => {
  // TF.js's layer options spell one name differently from its serialised form.
  const optionName = (serialised: string) => (serialised === 'hard_sigmoid' ? 'hardSigmoid' : serialised) as 'relu'

  it.each(ACTIVATIONS)('%s', async (serialised) => {
    const activation = optionName(serialised)
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [5], units: 3 * 3 * 4, activation }))
    m.add(tfl.layers.reshape({ targetShape: [3, 3, 4] }))
    m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 2, padding: 'same', activation }))
    m.add(tfl.layers.activation({ activation }))
    expect((await convert(m)).maxAbsDiff).toBeLessThan(ROUNDING)
  })
})

describe('other layers', () => {
  it('BatchNormalization without center/scale, custom epsilon, on vectors and images', async () => {
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [6], units: 24 }))
    m.add(tfl.layers.batchNormalization({ center: false, epsilon: 0.1 }))
    m.add(tfl.layers.reshape({ targetShape: [2, 4, 3] }))
    m.add(tfl.layers.batchNormalization({ scale: false }))
    m.add(tfl.layers.batchNormalization({ axis: 3, center: false, scale: false }))
    expect((await convert(m)).maxAbsDiff).toBeLessThan(ROUNDING)
  })

  it("a model.json without epsilon/alpha gets the TF.js defaults (1e-3, 0.3), not ONNX's (1e-5, 0.01)", async () => {
    const model = randomize(dcgan({ latent: 8 }), 3)
    const artifacts = await artifactsOf(model)
    const layers = (artifacts.modelTopology as { config: { layers: Array<{ config: Record<string, unknown> }> } }).config.layers
    for (const layer of layers) {
      delete layer.config['epsilon']
      delete layer.config['alpha']
    }
    const result = await exportOnnx(artifacts, { optimize: false })
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    const attributes = fromBinary(ModelProtoSchema, result.bytes).graph!.node.flatMap((n) =>
      n.attribute.map((a) => `${n.opType}.${a.name}=${a.f.toPrecision(3)}`),
    )
    expect(attributes).toEqual(expect.arrayContaining(['BatchNormalization.epsilon=0.00100', 'LeakyRelu.alpha=0.300']))
  })

  it('LeakyReLU with the TF.js default alpha (0.3), ReLU with max_value, ELU, ThresholdedReLU', async () => {
    const m = imageInput(3, 3, 4)
    m.add(tfl.layers.leakyReLU())
    m.add(tfl.layers.reLU({ maxValue: 0.8 }))
    m.add(tfl.layers.conv2d({ filters: 4, kernelSize: 2, padding: 'same' }))
    m.add(tfl.layers.elu())
    m.add(tfl.layers.thresholdedReLU({ theta: 0.1 }))
    m.add(tfl.layers.reLU())
    expect((await convert(m)).maxAbsDiff).toBeLessThan(ROUNDING)
  })

  it('UpSampling2D (nearest and bilinear), ZeroPadding2D, Cropping2D', async () => {
    const m = imageInput(3, 4, 2)
    m.add(tfl.layers.upSampling2d({ size: [2, 3] }))
    m.add(
      tfl.layers.zeroPadding2d({
        padding: [
          [1, 2],
          [0, 3],
        ],
      }),
    )
    m.add(tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }))
    m.add(
      tfl.layers.cropping2D({
        cropping: [
          [1, 0],
          [2, 3],
        ],
      }),
    )
    m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }))
    expect((await convert(m)).maxAbsDiff).toBeLessThan(ROUNDING)
  })

  it('ReflectionPadding2D (the trainer’s custom layer): ONNX Pad in reflect mode, any of ZeroPadding2D’s padding forms', async () => {
    const m = imageInput(4, 5, 2)
    m.add(new ReflectionPadding2D({ padding: 1 }))
    m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'valid' }))
    m.add(new ReflectionPadding2D({ padding: [2, 1] }))
    m.add(
      new ReflectionPadding2D({
        padding: [
          [0, 3],
          [1, 2],
        ],
      }),
    )
    const result = await convert(m)
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    expect(opTypes(result).filter((op) => op === 'Pad')).toHaveLength(3)
    const pads = fromBinary(ModelProtoSchema, result.bytes).graph!.node.filter((n) => n.opType === 'Pad')
    expect(pads.map((n) => n.attribute.find((a) => a.name === 'mode')?.s)).toEqual(Array(3).fill(new TextEncoder().encode('reflect')))
  })

  it('inference-time identities: Dropout, GaussianNoise, GaussianDropout, AlphaDropout', async () => {
    const m = imageInput(2, 2, 3)
    m.add(tfl.layers.dropout({ rate: 0.5 }))
    m.add(tfl.layers.gaussianNoise({ stddev: 1 }))
    m.add(tfl.layers.gaussianDropout({ rate: 0.5 }))
    m.add(tfl.layers.alphaDropout({ rate: 0.5 }))
    const result = await convert(m)
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    expect(opTypes(result)).toEqual(['Gemm', 'Reshape', 'Transpose'])
  })

  it('Flatten → Dense, Reshape between image shapes and to [-1] keep Keras element order', async () => {
    const m = imageInput(3, 4, 2)
    m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 2, padding: 'same' }))
    m.add(tfl.layers.flatten())
    m.add(tfl.layers.dense({ units: 2 * 6 * 3, activation: 'relu' }))
    m.add(tfl.layers.batchNormalization())
    m.add(tfl.layers.reshape({ targetShape: [2, 6, 3] }))
    m.add(tfl.layers.conv2d({ filters: 4, kernelSize: 1 }))
    m.add(tfl.layers.reshape({ targetShape: [4, 6, 2] }))
    m.add(tfl.layers.flatten())
    m.add(tfl.layers.reshape({ targetShape: [-1] }))
    m.add(tfl.layers.reshape({ targetShape: [6, 4, 2] }))
    m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }))
    const result = await convert(m)
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    // Flatten → Dense permutes the Dense rows and Dense → Reshape its columns. An image → image
    // reshape gathers the channels-first elements into their Keras places, unless they already
    // are there ([4, 6, 2] → [6, 4, 2] keeps each pixel's channels). The Relu sits between Dense
    // and BatchNormalization, so that batch norm stays.
    expect(opTypes(result)).toEqual([
      'Gemm',
      'Reshape',
      'Conv',
      'Reshape',
      'Gemm',
      'Relu',
      'BatchNormalization',
      'Reshape',
      'Conv',
      'Reshape',
      'Gather',
      'Reshape', // Reshapes to [4·6·2], [-1] and [6, 4, 2] in a row: one suffices
      'Conv',
      'Transpose',
    ])
  })

  it('a functional Model that is a single chain', async () => {
    const input = tfl.input({ shape: [6] })
    let x = tfl.layers.dense({ units: 4 * 4 * 3, useBias: false }).apply(input) as tfl.SymbolicTensor
    x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor
    x = tfl.layers.reshape({ targetShape: [4, 4, 3] }).apply(x) as tfl.SymbolicTensor
    x = tfl.layers
      .conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'sigmoid' })
      .apply(x) as tfl.SymbolicTensor
    const model = randomize(tfl.model({ inputs: input, outputs: x, name: 'functional_generator' }), 2)
    const result = await exportOnnx(await artifactsOf(model))
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    expect(result.contract).toMatchObject({ name: 'functional_generator', range: [0, 1], width: 8, height: 8, channels: 3 })
  })
})
