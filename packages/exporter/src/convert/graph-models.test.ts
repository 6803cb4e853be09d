import { fromBinary } from '@bufbuild/protobuf'
import { metadataToContract, seedToInteger } from 'gan-sdk/core'
import { ModelProtoSchema, type ValueInfoProto } from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import type { ExportEvent } from '../events.js'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, conditionalDcgan, randomize, tfl } from '../testing/fixtures.js'

type Sym = tfl.SymbolicTensor

// As in parity.test.ts: exportOnnx verifies every model against TF.js (1e-4); these assertions hold
// the measured difference to float32 rounding.
const ROUNDING = 1e-5
const LABELS = ['cat', 'dog', 'owl']

function parse(bytes: Uint8Array) {
  const model = fromBinary(ModelProtoSchema, bytes)
  const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))
  const io = (list: ValueInfoProto[]) =>
    list.map((v) => {
      const t = v.type!.value.value as { elemType: number; shape: { dim: Array<{ value: { value: unknown } }> } }
      return [v.name, t.elemType, t.shape.dim.map((d) => (typeof d.value.value === 'bigint' ? Number(d.value.value) : d.value.value))]
    })
  return { model, metadata, inputs: io(model.graph!.input), outputs: io(model.graph!.output), ops: model.graph!.node.map((n) => n.opType) }
}

describe('conditional generators (latent + class index, Embedding merged with the latent)', () => {
  it.each(['concatenate', 'multiply', 'add'] as const)(
    '%s: an int64 [batch] label input, contract v2, every class verified',
    async (merge) => {
      const events: ExportEvent[] = []
      const model = randomize(conditionalDcgan({ latent: 6, classes: 3, merge, channels: 3 }), 11)
      const result = await exportOnnx(await artifactsOf(model), { labels: LABELS, onEvent: (e) => events.push(e) })
      expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
      expect(events.find((e) => e.type === 'verified')).toMatchObject({ latents: 8 + 3, classes: 3 })
      expect(result.contract).toMatchObject({ labels: LABELS, labelInput: 'label', inputName: 'latent', outputName: 'image', channels: 3 })
      const { metadata, inputs, outputs, ops } = parse(result.bytes)
      expect(metadata).toMatchObject({ 'gan.label_input': 'label', 'gan.labels': JSON.stringify(LABELS), 'gan.contract_version': '2' })
      expect(metadataToContract(metadata)).toMatchObject({ labelInput: 'label', labels: LABELS })
      // FLOAT = 1, INT64 = 7
      expect(inputs).toEqual([
        ['latent', 1, ['batch', 6]],
        ['label', 7, ['batch']],
      ])
      expect(outputs).toEqual([['image', 1, ['batch', 28, 28, 3]]])
      expect(ops.slice(0, 2)).toEqual(['Gather', merge === 'concatenate' ? 'Concat' : merge === 'add' ? 'Add' : 'Mul'])
      expect(ops.filter((op) => op === 'Transpose')).toHaveLength(1)
    },
  )

  it('takes a float32 label input as well (TF.js Embedding casts it)', async () => {
    const model = randomize(conditionalDcgan({ latent: 4, classes: 2, merge: 'multiply', labelDtype: 'float32' }), 12)
    expect((await exportOnnx(await artifactsOf(model), { labels: ['a', 'b'] })).maxAbsDiff).toBeLessThan(ROUNDING)
  })

  it('labels each verification row with its seed’s class, as the SDK does, then every class', async () => {
    const classes = 5
    const model = randomize(conditionalDcgan({ latent: 4, classes, merge: 'add' }), 13)
    const events: ExportEvent[] = []
    await exportOnnx(await artifactsOf(model), { labels: ['a', 'b', 'c', 'd', 'e'], onEvent: (e) => events.push(e) })
    expect(events.find((e) => e.type === 'verified')).toMatchObject({ latents: 8 + classes, classes })
    expect([0, 1, 2, 7].map((seed) => seedToInteger(seed) % classes)).toEqual([0, 1, 2, 2])
  })

  it('without labels, or with as many as the Embedding has classes, is ERR_CONTRACT saying how to pass them', async () => {
    const artifacts = await artifactsOf(conditionalDcgan({ latent: 4, classes: 3, merge: 'multiply' }))
    await expect(exportOnnx(artifacts)).rejects.toMatchObject({
      code: 'ERR_CONTRACT',
      message: expect.stringMatching(
        /conditional on 3 classes .* but no labels were given\. Name the classes in index order: labels \(CLI: --labels a,b,…\) or "labels" in gan\.json/,
      ),
    })
    await expect(exportOnnx(artifacts, { labels: ['a', 'b'] })).rejects.toMatchObject({
      code: 'ERR_CONTRACT',
      message: expect.stringMatching(/but 2 labels were given \(\["a","b"\]\)/),
    })
  })

  it('a label fed to anything but an Embedding, or two latent inputs, is ERR_UNSUPPORTED_TOPOLOGY', async () => {
    const latent = tfl.input({ shape: [4], name: 'latent' })
    const label = tfl.input({ shape: [1], name: 'label' })
    const raw = tfl.layers.concatenate().apply([latent, label]) as Sym
    const out = tfl.layers.reshape({ targetShape: [1, 1, 5] }).apply(raw) as Sym
    await expect(
      exportOnnx(await artifactsOf(tfl.model({ inputs: [latent, label], outputs: out })), { range: [-1, 1] }),
    ).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_TOPOLOGY',
      message: expect.stringMatching(
        /the model has 2 inputs \("latent" \[4\], "label" \[1\]\); a generator takes a latent \[z\] and, when conditional, a class index \[1\] that only Embedding layers read/,
      ),
    })
  })
})

describe('functional graphs: merges, branches, colour', () => {
  /** z → Dense → Reshape [h, w, c]: an image branch. */
  const imageOf = (z: Sym, [h, w, c]: number[]) =>
    tfl.layers.reshape({ targetShape: [h!, w!, c!] }).apply(tfl.layers.dense({ units: h! * w! * c! }).apply(z)) as Sym

  it.each(['add', 'multiply', 'average', 'maximum', 'minimum'] as const)('%s of two images and of two vectors', async (merge) => {
    const z = tfl.input({ shape: [5] })
    const vectors = tfl.layers[merge]().apply([
      tfl.layers.dense({ units: 36 }).apply(z),
      tfl.layers.dense({ units: 36 }).apply(z),
    ] as Sym[]) as Sym
    const fromVectors = tfl.layers.reshape({ targetShape: [3, 3, 4] }).apply(vectors) as Sym
    const images = tfl.layers[merge]().apply([imageOf(z, [3, 3, 4]), fromVectors]) as Sym
    const out = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(images) as Sym
    const result = await exportOnnx(await artifactsOf(randomize(tfl.model({ inputs: z, outputs: out }), 14)))
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
  })

  it('merges broadcast images as Keras does: per-channel [1, 1, c] and per-row [h, 1, c] against [h, w, c]; other shapes are refused', async () => {
    const z = tfl.input({ shape: [5] })
    const maps = imageOf(z, [3, 4, 2])
    const scaled = tfl.layers.multiply().apply([maps, imageOf(z, [1, 1, 2])]) as Sym
    const shifted = tfl.layers.add().apply([imageOf(z, [3, 1, 2]), scaled]) as Sym
    const most = tfl.layers.maximum().apply([shifted, imageOf(z, [1, 4, 1]), imageOf(z, [3, 4, 2])]) as Sym
    const out = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(most) as Sym
    const result = await exportOnnx(await artifactsOf(randomize(tfl.model({ inputs: z, outputs: out }), 16)))
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
    expect(parse(result.bytes).ops.filter((op) => op === 'Transpose')).toHaveLength(1)

    const vectors = tfl.layers
      .add()
      .apply([tfl.layers.dense({ units: 1 }).apply(z), tfl.layers.dense({ units: 4 }).apply(z)] as Sym[]) as Sym
    await expect(exportOnnx(await artifactsOf(randomize(tfl.model({ inputs: z, outputs: vectors }), 17)))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CONFIG',
      message: expect.stringMatching(
        /takes inputs of shapes \[1\], \[4\].*give the inputs one shape, or make them images whose sizes are each the same or 1 \(Reshape a vector of c features to \[1, 1, c\]\)/,
      ),
    })
  })

  it('Concatenate of images along channels, height and width, and of vectors in different element orders', async () => {
    const z = tfl.input({ shape: [4] })
    const a = imageOf(z, [2, 3, 2])
    const channels = tfl.layers.concatenate({ axis: -1 }).apply([a, imageOf(z, [2, 3, 1])]) as Sym
    const rows = tfl.layers.concatenate({ axis: 1 }).apply([channels, imageOf(z, [1, 3, 3])]) as Sym
    const cols = tfl.layers.concatenate({ axis: 2 }).apply([rows, imageOf(z, [3, 2, 3])]) as Sym
    // A Flatten'ed image is in channels-first order; a Dense output in Keras order: concatenating and
    // adding them must keep every Keras feature in its place.
    const flat = tfl.layers.flatten().apply(cols) as Sym
    const dense = tfl.layers.dense({ units: 45 }).apply(z) as Sym
    const sum = tfl.layers.add().apply([flat, dense]) as Sym
    const both = tfl.layers.concatenate().apply([sum, dense]) as Sym
    const out = tfl.layers.reshape({ targetShape: [3, 5, 3] }).apply(tfl.layers.dense({ units: 45, activation: 'tanh' }).apply(both)) as Sym
    const result = await exportOnnx(await artifactsOf(randomize(tfl.model({ inputs: z, outputs: out }), 15)))
    expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
  })

  it('a colour generator of UpSampling2D + Conv2D stages (stride 1 and 2, same and valid), RGB and RGBA', async () => {
    for (const channels of [3, 4]) {
      const m = tfl.sequential()
      m.add(tfl.layers.dense({ inputShape: [8], units: 4 * 4 * 8, useBias: false }))
      m.add(tfl.layers.batchNormalization())
      m.add(tfl.layers.leakyReLU({ alpha: 0.2 }))
      m.add(tfl.layers.reshape({ targetShape: [4, 4, 8] }))
      m.add(tfl.layers.upSampling2d({ size: [2, 2] }))
      m.add(tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false }))
      m.add(tfl.layers.batchNormalization())
      m.add(tfl.layers.leakyReLU({ alpha: 0.2 }))
      m.add(tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }))
      m.add(tfl.layers.conv2d({ filters: 6, kernelSize: 5, strides: 2, padding: 'valid' }))
      m.add(tfl.layers.batchNormalization())
      m.add(tfl.layers.reLU())
      m.add(tfl.layers.conv2dTranspose({ filters: channels, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }))
      const result = await exportOnnx(await artifactsOf(randomize(m, 16)))
      expect(result.maxAbsDiff).toBeLessThan(ROUNDING)
      expect(result.contract).toMatchObject({ channels, width: 12, height: 12, layout: 'NHWC', range: [-1, 1] })
      expect(parse(result.bytes).ops).toEqual([
        'Gemm',
        'LeakyRelu',
        'Reshape',
        'Resize',
        'Conv',
        'LeakyRelu',
        'Resize',
        'Conv',
        'Relu',
        'ConvTranspose',
        'Tanh',
        'Transpose',
      ])
    }
  })
})
