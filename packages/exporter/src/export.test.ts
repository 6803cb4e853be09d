import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { fromBinary } from '@bufbuild/protobuf'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ModelProtoSchema } from 'onnx-buf'
import { beforeAll, describe, expect, it } from 'vitest'
import { ExportError } from './errors.js'
import { exportOnnx } from './export.js'
import { maxAbsDifference } from './verify.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })))
  return saved!
}

/** Random weights everywhere, BN statistics included, so parity tests exercise every parameter. */
function randomize(model: tfl.LayersModel, seed: number): void {
  model.setWeights(model.getWeights().map((w, i) => (w.name.includes('moving_variance') ? tf.randomUniform(w.shape, 0.5, 2, 'float32', seed + i) : tf.randomNormal(w.shape, 0, 0.3, 'float32', seed + i))))
}

function dcgan(latent: number, k: number, filters: number[], channels: number, extra: Partial<{ bias: boolean; padding: 'same' | 'valid'; start: number }> = {}): tfl.Sequential {
  const start = extra.start ?? 7
  const g = tfl.sequential()
  g.add(tfl.layers.dense({ inputShape: [latent], units: start * start * filters[0]!, useBias: false }))
  g.add(tfl.layers.batchNormalization())
  g.add(tfl.layers.leakyReLU({ alpha: 0.2 }))
  g.add(tfl.layers.reshape({ targetShape: [start, start, filters[0]!] }))
  for (const f of filters.slice(1)) {
    g.add(tfl.layers.conv2dTranspose({ filters: f, kernelSize: k, strides: 2, padding: extra.padding ?? 'same', useBias: extra.bias ?? false }))
    g.add(tfl.layers.batchNormalization())
    g.add(tfl.layers.leakyReLU())
  }
  g.add(tfl.layers.conv2dTranspose({ filters: channels, kernelSize: k, strides: 2, padding: extra.padding ?? 'same', activation: 'tanh' }))
  return g
}

describe('exportOnnx parity with TF.js', () => {
  it.each([
    ['DCGAN k=4', () => dcgan(16, 4, [8, 4], 1)],
    ['DCGAN k=5 RGB', () => dcgan(16, 5, [8, 4], 3)],
    ['DCGAN k=3 odd start size, biases', () => dcgan(8, 3, [6, 5], 3, { bias: true, start: 5 })],
    ['k=2 valid', () => dcgan(8, 2, [4, 3], 1, { padding: 'valid', start: 3 })],
    ['k=1 < stride same', () => dcgan(8, 1, [4, 3], 1, { start: 3 })],
    ['k=3 valid (k > s)', () => dcgan(8, 3, [4, 2], 1, { padding: 'valid', start: 3 })],
    [
      'Conv2D, UpSampling2D, ReLU, Flatten, Activation sigmoid',
      () => {
        const m = tfl.sequential()
        m.add(tfl.layers.dense({ inputShape: [6], units: 5 * 5 * 4, activation: 'relu' }))
        m.add(tfl.layers.reshape({ targetShape: [5, 5, 4] }))
        m.add(tfl.layers.upSampling2d({ size: [2, 2] }))
        m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 1, padding: 'same' }))
        m.add(tfl.layers.reLU())
        m.add(tfl.layers.conv2d({ filters: 2, kernelSize: 4, strides: 2, padding: 'same', useBias: false }))
        m.add(tfl.layers.flatten())
        m.add(tfl.layers.dense({ units: 4 * 4 * 3 }))
        m.add(tfl.layers.dropout({ rate: 0.5 }))
        m.add(tfl.layers.reshape({ targetShape: [4, 4, 3] }))
        m.add(tfl.layers.activation({ activation: 'sigmoid' }))
        return m
      },
    ],
  ])('%s', async (_name, build) => {
    const model = build()
    randomize(model, 3)
    const result = await exportOnnx(await artifactsOf(model), { license: 'MIT' })
    expect(result.maxAbsDiff).toBeLessThan(1e-5)
    expect(result.opsetVersion).toBe(17)
  })
})

describe('exportOnnx contract and errors', () => {
  it('embeds the model contract in metadata_props', async () => {
    const model = dcgan(16, 4, [8, 4], 1)
    const { bytes, contract } = await exportOnnx(await artifactsOf(model), { name: 'digits', license: 'MIT', labels: ['a'] })
    const proto = fromBinary(ModelProtoSchema, bytes)
    const meta = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]))
    expect(meta).toMatchObject({
      'gan.contract_version': '1',
      'gan.latent_size': '16',
      'gan.latent_distribution': 'normal',
      'gan.output_layout': 'NHWC',
      'gan.output_range': '-1,1',
      'gan.width': '28',
      'gan.height': '28',
      'gan.channels': '1',
      'gan.labels': '["a"]',
      'gan.license': 'MIT',
      'gan.name': 'digits',
      'gan.input_name': 'latent',
      'gan.output_name': 'image',
    })
    expect(contract.range).toEqual([-1, 1])
    expect(proto.producerName).toBe('gan-sdk-exporter')
    // Batch is a symbolic dimension: one session serves any batch size.
    const dim0 = proto.graph!.input[0]!.type!.value.case === 'tensorType' ? proto.graph!.input[0]!.type!.value.value.shape!.dim[0]!.value : undefined
    expect(dim0).toEqual({ case: 'dimParam', value: 'batch' })
  })

  it('names the unsupported layer and lists the supported ones', async () => {
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [4], units: 2 * 2 * 3 }))
    m.add(tfl.layers.reshape({ targetShape: [2, 2, 3] }))
    m.add(tfl.layers.maxPooling2d({ poolSize: 1 }))
    const err = await exportOnnx(await artifactsOf(m), { range: [-1, 1] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExportError)
    expect((err as ExportError).code).toBe('ERR_UNSUPPORTED_LAYER')
    expect((err as ExportError).message).toMatch(/is a MaxPooling2D, which has no ONNX conversion\. Supported layers: InputLayer, Dense, BatchNormalization, LeakyReLU, ReLU, Activation, Reshape, Flatten, Conv2D, Conv2DTranspose, UpSampling2D, Dropout\./)
  })

  it('measures a real mismatch: ONNX of one model against TF.js of another', async () => {
    const a = dcgan(8, 4, [4, 2], 1)
    const b = dcgan(8, 4, [4, 2], 1)
    randomize(a, 5)
    randomize(b, 6)
    const { bytes } = await exportOnnx(await artifactsOf(a), { verify: false })
    expect(await maxAbsDifference(await artifactsOf(b), bytes, 8, { input: 'latent', output: 'image' })).toBeGreaterThan(0.01)
    expect(await maxAbsDifference(await artifactsOf(a), bytes, 8, { input: 'latent', output: 'image' })).toBeLessThan(1e-5)
  })

  it('fails loudly (ERR_PARITY) above the tolerance and writes nothing', async () => {
    const model = dcgan(8, 4, [4, 2], 1)
    randomize(model, 5)
    const dir = await mkdtemp(join(tmpdir(), 'gan-export-'))
    // Float32 rounding differs between the two runtimes by ~1e-7: a 1e-12 tolerance must trip.
    const err = await exportOnnx(await artifactsOf(model), { out: join(dir, 'model.onnx'), tolerance: 1e-12 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExportError)
    expect((err as ExportError).code).toBe('ERR_PARITY')
    expect((err as ExportError).message).toMatch(/differs from TF\.js by up to \d.*nothing was written/)
    expect(await readdir(dir)).toEqual([])
  })

  it('reads a trainer run directory (gan.json + generator/) and the CLI writes the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-export-run-'))
    const model = dcgan(8, 4, [4, 2], 1)
    const a = await artifactsOf(model)
    await mkdir(join(dir, 'generator'))
    await writeFile(join(dir, 'generator', 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer))
    await writeFile(join(dir, 'generator', 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }))
    await writeFile(join(dir, 'gan.json'), JSON.stringify({ format: 'gan-sdk-run', version: 1, name: 'run-name', license: 'CC0-1.0', range: [-1, 1], labels: [], dataset: 'squares', steps: 3, generator: 'generator' }))
    const out = join(dir, 'out', 'g.onnx')
    const cli = new URL('../dist/cli.js', import.meta.url)
    const { stdout } = await promisify(execFile)(process.execPath, [cli.pathname, dir, '--out', out, '--json'])
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string })
    expect(events.map((e) => e.type)).toEqual(['read', 'converted', 'verified', 'written'])
    const meta = Object.fromEntries(fromBinary(ModelProtoSchema, await readFile(out)).metadataProps.map((p) => [p.key, p.value]))
    expect(meta).toMatchObject({ 'gan.name': 'run-name', 'gan.license': 'CC0-1.0' })
  })

  it('rejects a directory without a model, and bad options, with typed errors', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gan-export-empty-'))
    await expect(exportOnnx(empty)).rejects.toMatchObject({ code: 'ERR_EXPORT_INPUT' })
    await expect(exportOnnx('/nonexistent/run')).rejects.toMatchObject({ code: 'ERR_EXPORT_INPUT' })
    await expect(exportOnnx(empty, { tolerance: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
  })
})
