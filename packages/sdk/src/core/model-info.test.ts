import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import {
  ModelProtoSchema,
  TensorProto_DataType,
  TensorShapeProto_DimensionSchema,
  type ModelProto,
  type TypeProto_Tensor,
  type ValueInfoProto,
} from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { GanError } from './errors.js'
import { readModelInfo } from './model-info.js'
import { Xoshiro128 } from '../testing/seed-reference.js'
import { errorOf } from '../testing/gan-error.js'

/** The tensor type of a graph input or output (every tiny generator's are tensors). */
function tensor(value: ValueInfoProto | undefined): TypeProto_Tensor {
  const type = value?.type?.value
  if (type?.case !== 'tensorType') throw new Error('not a tensor')
  return type.value
}

/** A tiny generator, edited at the protobuf level for shapes the builder does not make. */
function edited(edit: (model: ModelProto) => void, spec: Parameters<typeof tinyGenerator>[0] = {}): Uint8Array {
  const model = fromBinary(ModelProtoSchema, tinyGenerator(spec))
  edit(model)
  return toBinary(ModelProtoSchema, model)
}

describe('readModelInfo', () => {
  it('reads the gan.* contract written by the exporter', () => {
    const { contract, inputRank, fixedBatch } = readModelInfo(
      tinyGenerator({ latentSize: 8, width: 4, height: 3, channels: 3, metadata: { labels: ['a', 'b'], name: 'tiny', range: [0, 1] } }),
    )
    expect(contract).toEqual({
      latentSize: 8,
      latentDistribution: 'normal',
      inputName: 'latent',
      outputName: 'image',
      layout: 'NHWC',
      range: [0, 1],
      width: 4,
      height: 3,
      channels: 3,
      labels: ['a', 'b'],
      license: 'CC0-1.0',
      name: 'tiny',
      description: 'test fixture',
    })
    expect([inputRank, fixedBatch]).toEqual([2, undefined])
    expect(Object.isFrozen(contract) && Object.isFrozen(contract.range) && Object.isFrozen(contract.labels)).toBe(true)
  })

  it('infers a foreign PyTorch DCGAN: [N, z, 1, 1] in, NCHW out, fixed batch 1, no metadata', () => {
    const { contract, inputRank, fixedBatch } = readModelInfo(
      tinyGenerator({ latentSize: 16, width: 5, height: 6, channels: 3, layout: 'NCHW', inputRank: 4, batch: 1, metadata: false }),
    )
    expect(contract).toMatchObject({
      latentSize: 16,
      width: 5,
      height: 6,
      channels: 3,
      layout: 'NCHW',
      range: [-1, 1],
      latentDistribution: 'normal',
      license: 'unknown',
      labels: [],
      name: 'tiny',
      description: '',
    })
    expect([inputRank, fixedBatch]).toEqual([4, 1])
  })

  it('infers NHWC for TF-style outputs, NCHW for channels-first ones', () => {
    expect(readModelInfo(tinyGenerator({ width: 6, height: 5, channels: 3, metadata: false })).contract.layout).toBe('NHWC')
    expect(readModelInfo(tinyGenerator({ width: 6, height: 5, channels: 1, layout: 'NCHW', metadata: false })).contract.layout).toBe('NCHW')
  })

  it('load options override metadata and inference, without touching the options object', () => {
    const options = Object.freeze({
      range: Object.freeze([0, 1] as const),
      latentDistribution: 'uniform' as const,
      layout: 'NHWC' as const,
    })
    const { contract } = readModelInfo(tinyGenerator({ metadata: { range: [-1, 1], latentDistribution: 'normal' } }), options)
    expect(contract).toMatchObject({ range: [0, 1], latentDistribution: 'uniform', layout: 'NHWC' })
    expect(contract.range).not.toBe(options.range)
  })

  it('symbolic image sizes are taken from load options', () => {
    const bytes = edited(
      (m) => {
        tensor(m.graph!.output[0]).shape!.dim[1] = create(TensorShapeProto_DimensionSchema, { value: { case: 'dimParam', value: 'h' } })
      },
      { metadata: false, width: 4, height: 3 },
    )
    expect(errorOf(() => readModelInfo(bytes)).message).toMatch(
      /height is symbolic \("h"\) in output "image" \[N, h, 4, 1\] read as NHWC\. Pass the load option height\./,
    )
    expect(readModelInfo(bytes, { height: 9 }).contract.height).toBe(9)
  })

  it('rejects declared sizes that contradict the graph, naming both and the fix', () => {
    const option = errorOf(() => readModelInfo(tinyGenerator({ latentSize: 8 }), { latentSize: 64 }))
    expect(option.code).toBe('ERR_NOT_A_GENERATOR')
    expect(option.message).toMatch(
      /the load option latentSize: 64 contradicts input "latent" \[N, 8\]\. Leave latentSize out, or set it to 8\./,
    )
    const meta = errorOf(() => readModelInfo(tinyGenerator({ width: 4, metadata: { width: 5 } })))
    expect(meta.message).toMatch(
      /the metadata gan\.width=5 contradicts output "image" \[N, 3, 4, 1\] read as NHWC\. Re-export the model, or pass the load option width: 4\./,
    )
  })

  it.each([
    [
      'two graph inputs',
      () => edited((m) => m.graph!.input.push({ ...m.graph!.input[0]!, name: 'label' })),
      /the graph has 2 inputs \("latent", "label"\); gan-sdk feeds a latent input\. If one input takes class indices, pass the load options labelInput and labels/,
    ],
    [
      'a wrong inputName',
      () => readModelInfo(tinyGenerator(), { inputName: 'z' }),
      /the graph has no input "z"; its input is "latent"\. Pass the load option inputName: "latent"\./,
    ],
    [
      'a wrong outputName',
      () => readModelInfo(tinyGenerator(), { outputName: 'rgb' }),
      /the graph has no output "rgb"; its outputs are: "image"/,
    ],
    [
      'two outputs and no outputName',
      () => edited((m) => m.graph!.output.push({ ...m.graph!.output[0]!, name: 'logits' }), { metadata: false }),
      /the graph has 2 outputs \("image", "logits"\)\. Pass the load option outputName/,
    ],
    [
      'an int64 input',
      () => edited((m) => (tensor(m.graph!.input[0]).elemType = TensorProto_DataType.INT64)),
      /input "latent" has element type INT64/,
    ],
    [
      'a rank-3 latent',
      () => edited((m) => tensor(m.graph!.input[0]).shape!.dim.push(tensor(m.graph!.input[0]).shape!.dim[1]!)),
      /input "latent" has shape \[N, 8, 8\]; a generator takes a latent \[batch, z\] or \[batch, z, 1, 1\]/,
    ],
    [
      'a rank-2 output',
      () => edited((m) => tensor(m.graph!.output[0]).shape!.dim.splice(2, 2)),
      /output "image" has shape \[N, 3\]; a generator outputs images/,
    ],
    [
      '5 channels',
      () => tinyGenerator({ channels: 5, width: 6, height: 7, metadata: false }),
      /output "image" \[N, 7, 6, 5\] read as NHWC has 5 channels; images have 1, 3 or 4\. If the model's layout is NCHW, pass the load option layout: "NCHW"\./,
    ],
  ])('rejects %s with ERR_NOT_A_GENERATOR, saying what was found and the fix', (_, make, message) => {
    const err = errorOf(() => {
      const bytes = make()
      if (bytes instanceof Uint8Array) readModelInfo(bytes)
    })
    expect(err.code).toBe('ERR_NOT_A_GENERATOR')
    expect(err.message).toMatch(/^\[gan-sdk\] the \d+-byte model given is not an image generator gan-sdk can drive: /)
    expect(err.message).toMatch(message)
  })

  it('picks the named output among several', () => {
    const bytes = edited((m) => m.graph!.output.unshift({ ...m.graph!.output[0]!, name: 'pre' }), { metadata: false })
    expect(readModelInfo(bytes, { outputName: 'image' }).contract.outputName).toBe('image')
  })

  it('rejects bytes that are not ONNX with ERR_MODEL_FORMAT', () => {
    for (const bytes of [new TextEncoder().encode('definitely not onnx'), new Uint8Array(0), new Uint8Array([0xff, 0xff, 0xff])]) {
      const err = errorOf(() => readModelInfo(bytes))
      expect(err.code).toBe('ERR_MODEL_FORMAT')
      expect(err.message).toMatch(
        new RegExp(`^\\[gan-sdk\\] the ${bytes.length}-byte model given (is not an ONNX model|parses as protobuf but holds no ONNX graph)`),
      )
    }
  })

  it("says a TF.js model.json or a run's gan.json is exported first", () => {
    for (const text of ['{"format":"layers-model","modelTopology":{}}', '\n  {"format":"gan-sdk-run"}']) {
      const err = errorOf(() => readModelInfo(new TextEncoder().encode(text)))
      expect(err.code).toBe('ERR_MODEL_FORMAT')
      expect(err.message).toMatch(/ is JSON, not an ONNX model: .*`gan-export <run folder or model\.json> --out model\.onnx`/)
    }
  })

  it('rejects invalid gan.* metadata with ERR_MODEL_CONTRACT', () => {
    expect(errorOf(() => readModelInfo(tinyGenerator({ metadata: { layout: 'HWC' as never } }))).code).toBe('ERR_MODEL_CONTRACT')
  })

  it('never crashes or hangs on random, truncated or corrupted bytes: a ModelInfo or a GanError', () => {
    const valid = tinyGenerator({ channels: 3, inputRank: 4, layout: 'NCHW' })
    const random = new Xoshiro128('fuzz')
    const byte = () => random.nextUint32() & 255
    const started = Date.now()
    for (let i = 0; i < 3000; i++) {
      const kind = i % 3
      const bytes =
        kind === 0
          ? Uint8Array.from({ length: random.nextUint32() % 512 }, byte)
          : kind === 1
            ? valid.slice(0, random.nextUint32() % valid.length)
            : valid.map((b) => (random.nextFloat() < 0.01 ? byte() : b))
      try {
        readModelInfo(bytes)
      } catch (err) {
        expect(err).toBeInstanceOf(GanError)
      }
    }
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})
