import { fromBinary } from '@bufbuild/protobuf'
import { writeLayersModelFiles } from '@gan-sdk/internal'
import { contractToMetadata, metadataToContract, RUN_MANIFEST_FORMAT, weightsDigest } from 'gan-sdk/core'
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelProtoSchema, type ValueInfoProto } from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import type { ExportEvent } from './events.js'
import { exportOnnx } from './testing/checked-export.js'
import { SUPPORTED_LAYERS } from './convert/layers.js'
import { artifactsOf, dcgan, randomize, tfl, writeRunDir } from './testing/fixtures.js'

const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), `gan-export-${prefix}-`))

function dims(value: ValueInfoProto): Array<number | string> {
  const type = value.type!.value
  if (type.case !== 'tensorType') throw new Error('not a tensor')
  return type.value.shape!.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : String(d.value.value)))
}

/** Sequential Dense → Reshape → Conv2D(activation): a small model whose last activation is chosen. */
function tiny(activation: 'sigmoid' | 'linear' | 'tanh', channels = 3): tfl.Sequential {
  const m = tfl.sequential({ name: 'tiny_generator' })
  m.add(tfl.layers.dense({ inputShape: [6], units: 4 * 4 * 2 }))
  m.add(tfl.layers.reshape({ targetShape: [4, 4, 2] }))
  m.add(tfl.layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', activation }))
  return randomize(m, 4)
}

describe('the exported ONNX model', () => {
  it('embeds the contract in metadata_props, readable back by the SDK', async () => {
    const model = randomize(dcgan({ latent: 16 }), 1)
    const { bytes, contract, opsetVersion } = await exportOnnx(await artifactsOf(model), {
      name: 'digits',
      license: 'MIT',
      labels: ['zero', 'one'],
      description: 'test digits',
    })
    const proto = fromBinary(ModelProtoSchema, bytes)
    const metadata = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]))
    expect(metadata).toEqual({ ...contractToMetadata(contract), 'gan.weights_sha256': await weightsDigest(proto.graph!.initializer) })
    expect(metadata).toMatchObject({
      'gan.contract_version': '2',
      'gan.latent_size': '16',
      'gan.latent_distribution': 'normal',
      'gan.input_name': 'latent',
      'gan.output_name': 'image',
      'gan.output_layout': 'NHWC',
      'gan.output_range': '-1,1',
      'gan.width': '28',
      'gan.height': '28',
      'gan.channels': '1',
      'gan.labels': '["zero","one"]',
      'gan.license': 'MIT',
      'gan.name': 'digits',
      'gan.description': 'test digits',
    })
    expect(metadataToContract(metadata)).toEqual(contract)

    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(proto).toMatchObject({ producerName: 'gan-sdk-exporter', producerVersion: pkg.version, irVersion: 8n })
    expect(proto.docString).toMatch(/^test digits Input "latent" \[batch, 16\], output "image" \[batch, 28, 28, 1\] \(NHWC\) in \[-1, 1\]/)
    expect(proto.opsetImport).toEqual([expect.objectContaining({ domain: '', version: 17n })])
    expect(opsetVersion).toBe(17)
    expect(proto.graph!.input.map((v) => [v.name, dims(v)])).toEqual([['latent', ['batch', 16]]])
    expect(proto.graph!.output.map((v) => [v.name, dims(v)])).toEqual([['image', ['batch', 28, 28, 1]]])
  })

  it('reports progress as typed events, in order', async () => {
    const events: ExportEvent[] = []
    const dir = await tempDir('events')
    const result = await exportOnnx(await artifactsOf(dcgan({ latent: 8 })), { out: join(dir, 'm.onnx'), onEvent: (e) => events.push(e) })
    expect(events).toEqual([
      { type: 'read', source: '<memory>', runManifest: false, role: 'generator', layers: 8, parameters: expect.any(Number) },
      { type: 'optimized', nodesBefore: 10, nodesAfter: 8, foldedBatchNorms: 2, removedLayoutNodes: 0 },
      { type: 'converted', nodes: 8, opsetVersion: 17, bytes: result.bytes.byteLength },
      { type: 'verified', maxAbsDiff: result.maxAbsDiff, tolerance: 1e-4, latents: 8, classes: 0, precision: 'float32' },
      { type: 'written', path: join(dir, 'm.onnx'), bytes: result.bytes.byteLength },
    ])
    const unverified: ExportEvent[] = []
    const quick = await exportOnnx(await artifactsOf(dcgan({ latent: 8 })), { verify: false, onEvent: (e) => unverified.push(e) })
    expect(unverified.map((e) => e.type)).toEqual(['read', 'optimized', 'converted'])
    expect(quick).not.toHaveProperty('maxAbsDiff')
    expect(quick).not.toHaveProperty('outPath')
  })
})

describe('inputs and the contract they give', () => {
  it('a training run directory: gan.json fills the contract, options override it', async () => {
    const dir = await tempDir('run')
    await writeRunDir(dir, await artifactsOf(randomize(dcgan({ latent: 8 }), 2)), {
      name: 'run-name',
      license: 'CC0-1.0',
      dataset: 'squares',
      steps: 3,
      emaDecay: 0.999,
      latentDistribution: 'uniform',
      latentSize: 8,
      width: 28,
      height: 28,
      channels: 1,
      range: [-1, 1],
      layout: 'NHWC',
      labels: ['a', 'b'],
    })
    const { contract, maxAbsDiff } = await exportOnnx(dir)
    expect(maxAbsDiff).toBeLessThan(1e-5)
    expect(contract).toEqual({
      latentSize: 8,
      latentDistribution: 'uniform',
      inputName: 'latent',
      outputName: 'image',
      layout: 'NHWC',
      range: [-1, 1],
      width: 28,
      height: 28,
      channels: 1,
      labels: ['a', 'b'],
      license: 'CC0-1.0',
      name: 'run-name',
      description: 'GAN generator "run-name" (28×28×1 images) trained by @gan-sdk/trainer on squares (3 steps, EMA weights, decay 0.999).',
    })
    const overridden = await exportOnnx(dir, {
      verify: false,
      name: 'other',
      license: 'MIT',
      labels: [],
      range: [0, 1],
      latentDistribution: 'normal',
      description: '',
    })
    expect(overridden.contract).toMatchObject({
      name: 'other',
      license: 'MIT',
      labels: [],
      range: [0, 1],
      latentDistribution: 'normal',
      description: '',
    })
  })

  it("a run's earlier checkpoint (step): its own weights and steps; a step it did not keep, or a step without a run, is refused", async () => {
    const dir = await tempDir('steps')
    for (const [step, seed] of [
      [2, 5],
      [4, 6],
    ] as const)
      await writeLayersModelFiles(
        join(dir, `checkpoints/step-00000${step}/generator`),
        await artifactsOf(randomize(dcgan({ latent: 8 }), seed)),
      )
    const run = { format: RUN_MANIFEST_FORMAT, generator: 'checkpoints/step-000004/generator', dataset: 'squares', steps: 4, elapsedSec: 9 }
    await writeFile(join(dir, 'gan.json'), JSON.stringify(run))
    const last = await exportOnnx(dir)
    const earlier = await exportOnnx(dir, { step: 2 })
    expect(earlier.maxAbsDiff).toBeLessThan(1e-5)
    expect(earlier.contract.description).toContain('(2 steps)')
    expect(last.contract.description).toContain('(4 steps)')
    expect(Buffer.compare(Buffer.from(earlier.bytes), Buffer.from(last.bytes))).not.toBe(0)
    expect(Buffer.compare(Buffer.from((await exportOnnx(dir, { step: 4 })).bytes), Buffer.from(last.bytes))).toBe(0)
    await expect(exportOnnx(dir, { step: 3 })).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: `[gan-export] ${dir} has no checkpoint of step 3 (it keeps 2, 4): pass one of those; to keep every checkpoint, train or resume with --keep-checkpoints 0.`,
    })
    await expect(exportOnnx(join(dir, 'checkpoints/step-000002/generator'), { step: 2 })).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringContaining('is a model directory: leave out the step'),
    })
    await expect(exportOnnx(dir, { step: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
    // This gan.json names no discriminator: none of step 2 either (not the run's top-level discriminator/).
    await expect(exportOnnx(dir, { step: 2, role: 'discriminator' })).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringContaining('names no discriminator in its checkpoints, so it has none of step 2'),
    })
  })

  it('a TF.js model directory or model.json without gan.json: inferred from the model', async () => {
    const dir = await tempDir('model')
    await writeLayersModelFiles(dir, await artifactsOf(tiny('sigmoid')))
    for (const source of [dir, join(dir, 'model.json')]) {
      const { contract } = await exportOnnx(source)
      expect(contract).toMatchObject({
        latentSize: 6,
        width: 4,
        height: 4,
        channels: 3,
        range: [0, 1],
        latentDistribution: 'normal',
        labels: [],
        license: 'unknown',
        name: 'tiny_generator',
      })
    }
  })

  it('refuses to guess the range after a linear output, and takes it as an option', async () => {
    const artifacts = await artifactsOf(tiny('linear'))
    await expect(exportOnnx(artifacts)).rejects.toMatchObject({
      code: 'ERR_CONTRACT',
      message: expect.stringMatching(/last activation is linear.*Pass range/),
    })
    expect((await exportOnnx(artifacts, { range: [-2, 2] })).contract.range).toEqual([-2, 2])
  })

  it('rejects a gan.json that contradicts the model, or is malformed', async () => {
    const dir = await tempDir('bad-run')
    await writeRunDir(dir, await artifactsOf(dcgan({ latent: 8 })), { width: 32 })
    await expect(exportOnnx(dir)).rejects.toMatchObject({
      code: 'ERR_CONTRACT',
      message: expect.stringMatching(/gan\.json declares width 32 but the generator's is 28/),
    })
    await writeFile(join(dir, 'gan.json'), JSON.stringify({ format: RUN_MANIFEST_FORMAT, range: [1, -1] }))
    await expect(exportOnnx(dir)).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: `[gan-export] ${join(dir, 'gan.json')}: "range" is [1, -1]; expected [min, max] with finite min < max. Fix the manifest.`,
    })
    await writeFile(join(dir, 'gan.json'), JSON.stringify({ format: RUN_MANIFEST_FORMAT, generator: '../elsewhere' }))
    await expect(exportOnnx(dir)).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(/gan\.json: "generator" is "\.\.\/elsewhere"; expected a relative path inside the run directory/),
    })
    await writeFile(join(dir, 'gan.json'), '{ not json')
    await expect(exportOnnx(dir)).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(/gan\.json is not valid JSON/),
    })
  })

  it('rejects missing, empty and mismatched inputs with ERR_INPUT', async () => {
    const empty = await tempDir('empty')
    await expect(exportOnnx(join(empty, 'nope'))).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(/does not exist/),
    })
    await expect(exportOnnx(empty)).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(/neither gan\.json nor model\.json/),
    })
    const artifacts = await artifactsOf(dcgan({ latent: 8 }))
    await expect(exportOnnx({ ...artifacts, weightData: new ArrayBuffer(12) })).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(/weight data has 12 bytes but the manifest describes \d+/),
    })
    const specs = artifacts.weightSpecs!.map((s, i) => (i === 0 ? { ...s, name: 'renamed/kernel' } : s))
    await expect(exportOnnx({ ...artifacts, weightSpecs: specs })).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(/weight dense_Dense\d+\/kernel of Dense layer .* is not in the weights manifest/),
    })
    await writeFile(join(empty, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }))
    await expect(exportOnnx(empty)).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringMatching(/graph model/) })
  })
})

describe('unsupported models fail with a code and a fix', () => {
  it('an unsupported layer is named, with the supported ones listed', async () => {
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [4], units: 4 * 4 * 3 }))
    m.add(tfl.layers.reshape({ targetShape: [4, 4, 3] }))
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }))
    const err = await exportOnnx(await artifactsOf(m), { range: [-1, 1] }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'ExportError', code: 'ERR_UNSUPPORTED_LAYER' })
    expect((err as Error).message).toContain('layer "pool" is a MaxPooling2D, which has no ONNX conversion. Supported layers: ')
    for (const layer of SUPPORTED_LAYERS) expect((err as Error).message).toContain(layer)
    expect(SUPPORTED_LAYERS).toEqual(
      expect.arrayContaining([
        'InputLayer',
        'Dense',
        'BatchNormalization',
        'LeakyReLU',
        'ReLU',
        'Activation',
        'Reshape',
        'Flatten',
        'Conv2DTranspose',
        'Conv2D',
        'UpSampling2D',
        'Dropout',
      ]),
    )
  })

  it.each([
    [
      'channels_first',
      (m: tfl.Sequential) => m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 1, dataFormat: 'channelsFirst' })),
      /data_format "channels_first"; only channels_last converts/,
    ],
    [
      'dilation',
      (m: tfl.Sequential) => m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 2, dilationRate: 2 })),
      /dilation_rate \[2, 2\]; only 1 converts/,
    ],
    [
      'Dense on an image',
      (m: tfl.Sequential) => m.add(tfl.layers.dense({ units: 3 })),
      /Dense layer .* gets an image input \[4, 4, 3\]; only vector inputs convert; add a Flatten/,
    ],
    [
      'unknown activation',
      (m: tfl.Sequential) => m.add(tfl.layers.activation({ activation: 'logSoftmax' as 'relu' })),
      /uses activation "log_?softmax"; supported activations: linear, relu/i,
    ],
  ])('%s → ERR_UNSUPPORTED_CONFIG', async (_name, add, message) => {
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [4], units: 4 * 4 * 3 }))
    m.add(tfl.layers.reshape({ targetShape: [4, 4, 3] }))
    add(m)
    await expect(exportOnnx(await artifactsOf(m), { range: [-1, 1] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CONFIG',
      message: expect.stringMatching(message),
    })
  })

  it('a model that does not make images of 1, 3 or 4 channels', async () => {
    await expect(exportOnnx(await artifactsOf(tiny('tanh', 2)))).rejects.toMatchObject({
      code: 'ERR_CONTRACT',
      message: expect.stringMatching(/outputs 2 channels/),
    })
    const flat = tfl.sequential()
    flat.add(tfl.layers.dense({ inputShape: [4], units: 3, activation: 'tanh' }))
    await expect(exportOnnx(await artifactsOf(flat))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CONFIG',
      message: expect.stringMatching(/outputs a vector \[3\], not an image/),
    })
  })
})

describe('writing', () => {
  it('writes atomically: parents created, an existing file replaced whole, no temp files left', async () => {
    const dir = await tempDir('write')
    const out = join(dir, 'a', 'b', 'model.onnx')
    const first = await exportOnnx(await artifactsOf(dcgan({ latent: 8 })), { out, verify: false })
    expect(first.outPath).toBe(out)
    expect(new Uint8Array(await readFile(out))).toEqual(first.bytes)
    const second = await exportOnnx(await artifactsOf(dcgan({ latent: 8, channels: 3 })), { out, verify: false })
    expect(new Uint8Array(await readFile(out))).toEqual(second.bytes)
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['model.onnx'])
  })

  it('a failed write leaves neither a partial file nor a temp file (ERR_WRITE)', async () => {
    const dir = await tempDir('write-fail')
    const taken = join(dir, 'model.onnx')
    await mkdir(join(taken, 'inside'), { recursive: true }) // a directory where the file should go: rename fails
    await expect(exportOnnx(await artifactsOf(dcgan({ latent: 8 })), { out: taken, verify: false })).rejects.toMatchObject({
      code: 'ERR_WRITE',
      message: expect.stringMatching(/cannot write .*model\.onnx/),
    })
    expect(await readdir(dir)).toEqual(['model.onnx'])
    expect(await readdir(taken)).toEqual(['inside'])
  })
})

describe('options', () => {
  it.each([
    [{ tolerance: -1 }, /option tolerance is -1; expected a positive number/],
    [{ tolerance: Number.NaN }, /option tolerance is NaN; expected a positive number/],
    [{ range: [1, -1] }, /option range is \[1, -1\]/],
    [{ latentDistribution: 'cauchy' }, /option latentDistribution is "cauchy"/],
    [{ labels: 'a,b' }, /option labels is "a,b"; expected an array of strings/],
    [{ verify: 'yes' }, /option verify is "yes"; expected true or false/],
    [{ tolerence: 1e-3 }, /unknown option "tolerence"; known options: out, verify, tolerance/],
  ])('%o is ERR_INVALID_OPTION', async (options, message) => {
    await expect(exportOnnx(await artifactsOf(dcgan({ latent: 8 })), options as object)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(message),
    })
  })
})
