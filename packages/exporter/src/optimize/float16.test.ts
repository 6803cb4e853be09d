import { fromBinary } from '@bufbuild/protobuf'
import { weightsDigest } from 'gan-sdk/core'
import { ModelProtoSchema, TensorProto_DataType } from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import { OnnxGraph } from '../convert/onnx-graph.js'
import type { ExportEvent } from '../events.js'
import { FLOAT16_TOLERANCE } from '../options.js'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, conditionalDcgan, dcgan, discriminator, randomize } from '../testing/fixtures.js'
import { toFloat16Bits, toFloat16Weights } from './float16.js'

describe('toFloat16Bits', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up past the largest half: Infinity
    [2 ** -24, 0x0001], // the smallest subnormal
    [2 ** -25, 0x0000], // halfway to it: ties to even, zero
    [3 * 2 ** -25, 0x0002], // 1.5 subnormal steps: ties to even, 2
    [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: ties to even, 1
    [1 + 3 * 2 ** -11, 0x3c02],
    [Infinity, 0x7c00],
  ])('%f → %i', (x, bits) => {
    expect(toFloat16Bits(x)).toBe(bits)
  })

  it('keeps NaN a NaN', () => {
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00)
    expect(toFloat16Bits(NaN) & 0x3ff).not.toBe(0)
  })
})

describe('toFloat16Weights', () => {
  it('narrows the weights of Gemm, Conv, BatchNormalization and embedding lookups, behind Casts; not shapes or scales', () => {
    const g = new OnnxGraph()
    g.reserve('x')
    const h = g.node(
      'Gemm',
      ['x', g.floats('w', [2, 2], Float32Array.of(1, 2, 3, 4)), g.floats('b', [2], Float32Array.of(0.5, 1))],
      {},
      'dense',
    )
    const r = g.node('Reshape', [h, g.int64s('shape', [0, 2, 1, 1])], {}, 'reshape')
    g.node('Resize', [r, '', g.floats('scales', [4], Float32Array.of(1, 1, 2, 2))], { mode: 'nearest' }, 'up', 'y')
    expect(toFloat16Weights(g)).toBe(2)
    expect(g.nodes.map((n) => [n.opType, n.inputs])).toEqual([
      ['Cast', ['w']],
      ['Cast', ['b']],
      ['Gemm', ['x', 'w/float32', 'b/float32']],
      ['Reshape', [h, 'shape']],
      ['Resize', [r, '', 'scales']],
    ])
    expect(g.initializers.get('w')).toMatchObject({ type: 'float16', data: Uint16Array.of(0x3c00, 0x4000, 0x4200, 0x4400) })
    expect(g.initializers.get('scales')!.type).toBe('float')
  })

  it('refuses weights beyond float16’s range (ERR_INVALID_WEIGHTS)', () => {
    const g = new OnnxGraph()
    g.node('Gemm', ['x', g.floats('w', [1, 1], Float32Array.of(1e5))], {}, 'dense')
    expect(() => toFloat16Weights(g)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_WEIGHTS',
        message: expect.stringMatching(/w holds values up to 100000, beyond float16's range \(±65504\)/),
      }),
    )
  })
})

describe('exportOnnx with fp16', () => {
  it('halves the weights, keeps float32 inputs and outputs, reports the error against float32, and verifies at the float16 tolerance', async () => {
    const artifacts = await artifactsOf(randomize(dcgan({ latent: 16, channels: 3, filters: [32, 16] }), 41))
    const events: ExportEvent[] = []
    const half = await exportOnnx(artifacts, { fp16: true, onEvent: (e) => events.push(e) })
    const full = await exportOnnx(artifacts)
    const model = fromBinary(ModelProtoSchema, half.bytes)
    const types = new Set(model.graph!.initializer.map((t) => t.dataType))
    expect(types).toEqual(new Set([TensorProto_DataType.FLOAT16, TensorProto_DataType.INT64]))
    for (const io of [...model.graph!.input, ...model.graph!.output])
      expect(io.type!.value.value).toMatchObject({ elemType: TensorProto_DataType.FLOAT })
    const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))
    expect(metadata['gan.weights_sha256']).toBe(await weightsDigest(model.graph!.initializer))

    expect(half.bytes.byteLength / full.bytes.byteLength).toBeGreaterThan(0.45)
    expect(half.bytes.byteLength / full.bytes.byteLength).toBeLessThan(0.55)
    const float16 = events.find((e) => e.type === 'float16')!
    expect(float16).toMatchObject({ bytes: half.bytes.byteLength, float32Bytes: full.bytes.byteLength, weights: 6 })
    expect(half.float16).toMatchObject({ float32Bytes: full.bytes.byteLength })
    expect(half.float16!.maxAbsDiff).toBeGreaterThan(0)
    expect(half.float16!.maxAbsDiff).toBeLessThan(FLOAT16_TOLERANCE)
    expect(half.float16!.maxByteDiff).toBeLessThanOrEqual(2)
    expect(events.find((e) => e.type === 'verified')).toMatchObject({ tolerance: FLOAT16_TOLERANCE, precision: 'float16' })
    expect(half.maxAbsDiff).toBeLessThan(FLOAT16_TOLERANCE)
    expect(half.maxAbsDiff).toBeGreaterThan(full.maxAbsDiff!)
  })

  it('works for conditional generators and discriminators (no pixel error for a logit)', async () => {
    const g = await exportOnnx(await artifactsOf(randomize(conditionalDcgan({ latent: 4, classes: 2, merge: 'multiply' }), 42)), {
      fp16: true,
      labels: ['a', 'b'],
    })
    expect(g.float16!.maxByteDiff).toBeLessThanOrEqual(2)
    const d = await exportOnnx(await artifactsOf(randomize(discriminator({ size: 8, channels: 3, classes: 2, spectral: true }), 43)), {
      fp16: true,
      role: 'discriminator',
      range: [-1, 1],
      labels: ['a', 'b'],
    })
    expect(d.float16).not.toHaveProperty('maxByteDiff')
    expect(d.maxAbsDiff).toBeLessThan(FLOAT16_TOLERANCE)
  })
})
