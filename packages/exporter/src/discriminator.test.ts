import { fromBinary } from '@bufbuild/protobuf'
import { writeLayersModelFiles } from '@gan-sdk/internal'
import { weightsDigest } from 'gan-sdk/core'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelProtoSchema } from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import { FeatureInput, Gain } from '@gan-sdk/internal/feature-layers'
import type { ExportEvent } from './events.js'
import { exportOnnx } from './testing/checked-export.js'
import { artifactsOf, dcgan, discriminator, randomize, tfl, writeRunDir } from './testing/fixtures.js'

const ROUNDING = 1e-5

async function parse(bytes: Uint8Array) {
  const model = fromBinary(ModelProtoSchema, bytes)
  const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))
  return {
    metadata,
    digestMatches: metadata['gan.weights_sha256'] === (await weightsDigest(model.graph!.initializer)),
    inputs: model.graph!.input.map((v) => v.name),
    outputs: model.graph!.output.map((v) => v.name),
    ops: model.graph!.node.map((n) => n.opType),
  }
}

describe('discriminator export (role discriminator: image [+ label] → logit)', () => {
  it.each([1, 3])('%i channel(s): NHWC image input, logit output, gan.role metadata', async (channels) => {
    const model = randomize(discriminator({ size: 8, channels }), 21)
    const result = await exportOnnx(await artifactsOf(model), { role: 'discriminator', range: [-1, 1], name: 'd', license: 'MIT' })
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    expect(result.contract).toEqual({
      role: 'discriminator',
      inputName: 'image',
      outputName: 'logit',
      layout: 'NHWC',
      range: [-1, 1],
      width: 8,
      height: 8,
      channels,
      labels: [],
      license: 'MIT',
      name: 'd',
      description: `GAN discriminator "d" (8×8×${channels} images → one logit, real > 0), converted from TF.js by @gan-sdk/exporter.`,
    })
    const { metadata, digestMatches, inputs, outputs, ops } = await parse(result.bytes)
    expect(metadata).toMatchObject({
      'gan.role': 'discriminator',
      'gan.contract_version': '2',
      'gan.input_name': 'image',
      'gan.output_name': 'logit',
      'gan.input_layout': 'NHWC',
      'gan.input_range': '-1,1',
      'gan.width': '8',
      'gan.channels': String(channels),
    })
    expect(metadata).not.toHaveProperty('gan.latent_size')
    expect(digestMatches).toBe(true)
    expect([inputs, outputs]).toEqual([['image'], ['logit']])
    // Grey images need no Transpose into the channels-first graph; a Flatten before Dense costs nothing.
    expect(ops).toEqual([channels === 1 ? 'Reshape' : 'Transpose', 'Conv', 'LeakyRelu', 'Conv', 'LeakyRelu', 'Reshape', 'Gemm'])
  })

  it('spectral-normalised (σ folded into the weights: no extra nodes) and projection-conditional', async () => {
    const plain = await exportOnnx(await artifactsOf(randomize(discriminator({ size: 8, channels: 3, spectral: true }), 22)), {
      role: 'discriminator',
      range: [-1, 1],
    })
    expect(plain.maxAbsDiff).toBeLessThan(ROUNDING)
    expect((await parse(plain.bytes)).ops).toEqual(['Transpose', 'Conv', 'LeakyRelu', 'Conv', 'LeakyRelu', 'Reshape', 'Gemm'])

    const model = randomize(discriminator({ size: 8, channels: 3, spectral: true, classes: 4 }), 23)
    const result = await exportOnnx(await artifactsOf(model), { role: 'discriminator', range: [-1, 1], labels: ['a', 'b', 'c', 'd'] })
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    expect(result.contract).toMatchObject({ labelInput: 'label', labels: ['a', 'b', 'c', 'd'] })
    const { inputs, ops } = await parse(result.bytes)
    expect(inputs).toEqual(['image', 'label'])
    // The embedding's columns are stored in the features' (channels-first) order: no Gather to align them per image.
    expect(ops.filter((op) => op === 'Gather')).toHaveLength(1)
    expect(result.optimization).toMatchObject({ removedLayoutNodes: 1 })

    // The projection's Embedding normalised too (the trainer's spectralNormProjection): σ folded into the table.
    const normedTable = randomize(discriminator({ size: 8, channels: 3, spectral: true, classes: 4, spectralProjection: true }), 25)
    const folded = await exportOnnx(await artifactsOf(normedTable), { role: 'discriminator', range: [-1, 1], labels: ['a', 'b', 'c', 'd'] })
    expect(folded.maxAbsDiff).toBeLessThan(ROUNDING)
    expect((await parse(folded.bytes)).ops).toEqual((await parse(result.bytes)).ops)
  })

  it("with training heads (the trainer's classifier and decoder) after the logit: the logit alone converts, native engine only", async () => {
    const model = randomize(discriminator({ size: 8, channels: 3, spectral: true, classes: 4, heads: true }), 26)
    expect(model.outputs).toHaveLength(3)
    const events: ExportEvent[] = []
    const result = await exportOnnx(await artifactsOf(model), {
      role: 'discriminator',
      range: [-1, 1],
      labels: ['a', 'b', 'c', 'd'],
      onEvent: (e) => events.push(e),
    })
    // The parameters reported are the logit's path's: the same as the discriminator's without heads.
    const plain = discriminator({ size: 8, channels: 3, spectral: true, classes: 4 })
    const read = events.find((e) => e.type === 'read')
    expect(read).toMatchObject({ parameters: plain.countParams() })
    expect(model.countParams()).toBeGreaterThan(plain.countParams())
    // Verified against TF.js's first output; the heads' layers are not in the graph.
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    const { outputs, ops } = await parse(result.bytes)
    expect(outputs).toEqual(['logit'])
    expect(ops).not.toContain('Resize')
    expect(ops.filter((op) => op === 'Gemm')).toHaveLength(1)
    await expect(
      exportOnnx(await artifactsOf(model), { role: 'discriminator', range: [-1, 1], labels: ['a', 'b', 'c', 'd'], engine: 'tf2onnx' }),
    ).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_TOPOLOGY',
      message: expect.stringMatching(/has 2 output\(s\) after its logit .*: export it with the native engine/),
    })
    // A generator still has one output.
    await expect(exportOnnx(await artifactsOf(model), { range: [-1, 1] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_TOPOLOGY',
      message: expect.stringMatching(/the model has 3 outputs/),
    })
  })

  it.each([1, 3, 4])(
    "with the trainer's feature judge (%i channel(s)): FeatureInput, depthwise convolutions, ReLU6, global means and Gain convert",
    async (channels) => {
      // The shape of --pretrained-features on a small scale: the image composited into RGB, MobileNet's
      // depthwise convolutions (stride 1 "same" with a depth multiplier; stride 2 "valid" after a
      // bottom-right pad), each map's mean, a linear logit weighed by a gain, added to D's own logit.
      const image = tfl.input({ shape: [8, 8, channels], name: 'image' })
      const rgb = new FeatureInput({ name: 'feature_input' }).apply(image) as tfl.SymbolicTensor
      const wide = tfl.layers
        .depthwiseConv2d({ kernelSize: 3, strides: 1, padding: 'same', depthMultiplier: 2 })
        .apply(rgb) as tfl.SymbolicTensor
      // Keras's MobileNetV2 keeps its batch norms, which fold into the grouped convolution.
      const normed = tfl.layers.batchNormalization().apply(wide) as tfl.SymbolicTensor
      const clipped = tfl.layers.reLU({ maxValue: 6 }).apply(normed) as tfl.SymbolicTensor
      const padded = tfl.layers
        .zeroPadding2d({
          padding: [
            [0, 1],
            [0, 1],
          ],
        })
        .apply(clipped) as tfl.SymbolicTensor
      const halved = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(padded)
      const means = [clipped, halved].map((x) => tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor)
      const seen = tfl.layers.dense({ units: 1 }).apply(tfl.layers.concatenate().apply(means)) as tfl.SymbolicTensor
      const own = tfl.layers.conv2d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same' }).apply(image) as tfl.SymbolicTensor
      const logit = tfl.layers.dense({ units: 1 }).apply(tfl.layers.flatten().apply(own)) as tfl.SymbolicTensor
      const weighed = new Gain({ name: 'features_gain' }).apply(seen) as tfl.SymbolicTensor
      const model = randomize(tfl.model({ inputs: image, outputs: tfl.layers.add().apply([logit, weighed]) as tfl.SymbolicTensor }), 27)
      expect(model.getLayer('features_gain').getWeights()[0]!.dataSync()[0]).not.toBe(0)

      const result = await exportOnnx(await artifactsOf(model), { role: 'discriminator', range: [-1, 1] })
      expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
      expect(result.optimization).toMatchObject({ foldedBatchNorms: 1 })
      const graph = fromBinary(ModelProtoSchema, result.bytes).graph!
      // D's own convolution, then one group per channel: 3 in, 6 out; 6 in, 6 out.
      const groups = graph.node.filter((n) => n.opType === 'Conv').map((n) => n.attribute.find((a) => a.name === 'group')?.i ?? 1n)
      expect(groups).toEqual([1n, 3n, 6n])
      const ops = graph.node.map((n) => n.opType)
      expect(ops.filter((op) => op === 'ReduceMean')).toHaveLength(2)
      expect(ops).toContain('Clip')
      expect(ops.includes('Slice')).toBe(channels === 4)
    },
  )

  it('from a run directory: the "discriminator" model, gan.json’s range, name and licence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-export-d-'))
    await writeRunDir(dir, await artifactsOf(dcgan({ latent: 4 })), {
      name: 'digits',
      license: 'MIT',
      range: [0, 1],
      dataset: 'mnist',
      steps: 9,
    })
    await expect(exportOnnx(dir, { role: 'discriminator' })).rejects.toMatchObject({
      code: 'ERR_INPUT',
      message: expect.stringMatching(/discriminator \(gan\.json "discriminator"\) does not exist: the run has no discriminator to export/),
    })
    await writeLayersModelFiles(join(dir, 'discriminator'), await artifactsOf(randomize(discriminator({ size: 28, channels: 1 }), 24)))
    const result = await exportOnnx(dir, { role: 'discriminator' })
    expect(result.contract).toMatchObject({
      role: 'discriminator',
      range: [0, 1],
      name: 'digits',
      license: 'MIT',
      description: 'GAN discriminator "digits" (28×28×1 images → one logit, real > 0) trained by @gan-sdk/trainer on mnist (9 steps).',
    })
  })

  it('needs the input range, and one logit out', async () => {
    const artifacts = await artifactsOf(discriminator({ size: 8, channels: 1 }))
    await expect(exportOnnx(artifacts, { role: 'discriminator' })).rejects.toMatchObject({
      code: 'ERR_CONTRACT',
      message: expect.stringMatching(/does not show the range of the images it takes\. Pass range \(CLI: --range=-1,1\)/),
    })
    const two = tfl.sequential()
    two.add(tfl.layers.flatten({ inputShape: [4, 4, 1] }))
    two.add(tfl.layers.dense({ units: 2 }))
    await expect(exportOnnx(await artifactsOf(two), { role: 'discriminator', range: [-1, 1] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CONFIG',
      message: expect.stringMatching(/the discriminator outputs \[2\]; a discriminator must end in one logit \[1\]/),
    })
    await expect(exportOnnx(await artifactsOf(dcgan({ latent: 4 })), { role: 'discriminator', range: [-1, 1] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CONFIG',
      message: expect.stringMatching(/input shape is \[null,4\]; a discriminator takes an image \[batch, H, W, C\]/),
    })
  })
})
