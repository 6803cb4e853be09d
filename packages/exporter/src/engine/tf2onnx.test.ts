import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AttributeProto_AttributeType,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  type ValueInfoProto,
} from 'onnx-buf'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, conditionalDcgan, randomize } from '../testing/fixtures.js'
import { onnxPython } from '../testing/onnx-checker.js'
import { findTf2onnxTools, tf2onnxCommands } from './tf2onnx.js'

const PATH = process.env['PATH']
afterEach(() => {
  process.env['PATH'] = PATH
})
// The checker's python is resolved (to an absolute path) before any test swaps PATH.
beforeAll(() => void onnxPython())

/** A directory of executable shell scripts, for PATH. */
async function bin(scripts: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gan-export-bin-'))
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(join(dir, name), `#!/bin/sh\n${body}\n`)
    await chmod(join(dir, name), 0o755)
  }
  return dir
}

describe('the tf2onnx engine', () => {
  it('runs tensorflowjs_converter (layers → graph model), then tf2onnx at opset 17', () => {
    expect(
      tf2onnxCommands(
        { converter: 'tensorflowjs_converter', python: 'python3' },
        { layersModel: '/t/layers', graphModel: '/t/graph', onnx: '/t/model.onnx' },
      ),
    ).toEqual([
      {
        command: 'tensorflowjs_converter',
        args: ['--input_format=tfjs_layers_model', '--output_format=tfjs_graph_model', '/t/layers/model.json', '/t/graph'],
      },
      {
        command: 'python3',
        args: ['-m', 'tf2onnx.convert', '--tfjs', '/t/graph/model.json', '--output', '/t/model.onnx', '--opset', '17'],
      },
    ])
  })

  it('without its tools: ERR_ENGINE naming what is missing and how to install it', async () => {
    const empty = await bin({})
    expect(() => findTf2onnxTools({ PATH: empty })).toThrow(
      expect.objectContaining({
        code: 'ERR_ENGINE',
        message:
          '[gan-export] the tf2onnx engine needs tensorflowjs_converter and python3 with the tf2onnx module on PATH, and they are not there. Install them: pip install tensorflowjs tf2onnx (Python 3 with TensorFlow). Or export with the native engine (the default), which needs neither.',
      }),
    )
    const converterOnly = await bin({ tensorflowjs_converter: 'exit 0', python3: 'exit 1' })
    expect(() => findTf2onnxTools({ PATH: converterOnly })).toThrow(/needs python3 with the tf2onnx module on PATH, and it is not there/)
    process.env['PATH'] = empty
    const artifacts = await artifactsOf(conditionalDcgan({ latent: 4, classes: 2, merge: 'add' }))
    await expect(exportOnnx(artifacts, { engine: 'tf2onnx', labels: ['a', 'b'] })).rejects.toMatchObject({ code: 'ERR_ENGINE' })
    await expect(exportOnnx(artifacts, { engine: 'tf2onnx', fp16: true })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(/option fp16 is true; expected false with the tf2onnx engine/),
    })
  })

  it('adopts what tf2onnx writes (TF names, a float [batch, 1] label) into the contract, and verifies it', async () => {
    const model = randomize(conditionalDcgan({ latent: 4, classes: 3, merge: 'multiply', labelDtype: 'float32' }), 61)
    const artifacts = await artifactsOf(model)
    const dir = await mkdtemp(join(tmpdir(), 'gan-export-tf2onnx-test-'))
    const native = await exportOnnx(artifacts, { labels: ['a', 'b', 'c'], verify: false })
    await writeFile(join(dir, 'tf2onnx.onnx'), asTf2onnxWouldWrite(native.bytes))
    const log = join(dir, 'log')
    const fake = await bin({
      tensorflowjs_converter: `[ "$1" = --version ] && exit 0\necho "tensorflowjs_converter $*" >> ${log}\nmkdir -p "$4" && cp "$3" "$4/model.json"`,
      python3: `[ "$1" = -c ] && exit 0\necho "python3 $*" >> ${log}\ncp ${join(dir, 'tf2onnx.onnx')} "$6"`,
    })
    process.env['PATH'] = `${fake}:/usr/bin:/bin`
    const result = await exportOnnx(artifacts, { engine: 'tf2onnx', labels: ['a', 'b', 'c'] })
    expect(result.maxAbsDiff).toBeLessThan(1e-5)
    expect(result.contract).toMatchObject({ labelInput: 'label', inputName: 'latent', outputName: 'image', labels: ['a', 'b', 'c'] })
    const adopted = fromBinary(ModelProtoSchema, result.bytes)
    expect(adopted.graph!.input.map((v) => [v.name, elemType(v), dims(v)])).toEqual([
      ['latent', TensorProto_DataType.FLOAT, ['batch', 4]],
      ['label', TensorProto_DataType.INT64, ['batch']],
    ])
    expect(adopted.graph!.output.map((v) => [v.name, dims(v)])).toEqual([['image', ['batch', 28, 28, 1]]])
    expect(Object.fromEntries(adopted.metadataProps.map((p) => [p.key, p.value]))).toMatchObject({
      'gan.label_input': 'label',
      'gan.latent_size': '4',
    })
    const calls = (await readFile(log, 'utf8')).trim().split('\n')
    // The engine's temporary folder (under whatever TMPDIR is) as T.
    expect(calls.map((c) => c.replace(/\S*gan-export-tf2onnx-\w+/g, 'T'))).toEqual([
      'tensorflowjs_converter --input_format=tfjs_layers_model --output_format=tfjs_graph_model T/layers/model.json T/graph',
      'python3 -m tf2onnx.convert --tfjs T/graph/model.json --output T/model.onnx --opset 17',
    ])
  })
})

function elemType(v: ValueInfoProto): number {
  return (v.type!.value.value as { elemType: number }).elemType
}

function dims(v: ValueInfoProto): Array<number | string> {
  return (v.type!.value.value as { shape: { dim: Array<{ value: { value: unknown } }> } }).shape.dim.map((d) =>
    typeof d.value.value === 'bigint' ? Number(d.value.value) : String(d.value.value),
  )
}

/**
 * Our own conversion dressed as tf2onnx's: no metadata, TF's tensor names (`latent_1`, `Identity:0`),
 * `unk__` batch dimensions, and the label as TF keeps it, float [batch, 1], squeezed and cast inside.
 */
function asTf2onnxWouldWrite(bytes: Uint8Array): Uint8Array {
  const m = fromBinary(ModelProtoSchema, bytes)
  const graph = m.graph!
  m.metadataProps = []
  const renames: Record<string, string> = { latent: 'latent_1', image: 'Identity:0', label: 'label_cast' }
  for (const node of graph.node) {
    node.input = node.input.map((t) => renames[t] ?? t)
    node.output = node.output.map((t) => renames[t] ?? t)
  }
  const latent = graph.input[0]!
  latent.name = 'latent_1'
  graph.output[0]!.name = 'Identity:0'
  for (const v of [latent, graph.output[0]!])
    (v.type!.value.value as { shape: { dim: Array<{ value: unknown }> } }).shape.dim[0]!.value = { case: 'dimParam', value: 'unk__7' }
  const label = graph.input[1]!
  label.name = 'label_1'
  const labelType = label.type!.value.value as { elemType: number; shape: { dim: unknown[] } }
  labelType.elemType = TensorProto_DataType.FLOAT
  labelType.shape.dim = [
    create(TensorShapeProto_DimensionSchema, { value: { case: 'dimParam', value: 'unk__8' } }),
    create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: 1n } }),
  ]
  graph.initializer.push(
    create(TensorProtoSchema, { name: 'squeeze_axes', dims: [1n], dataType: TensorProto_DataType.INT64, int64Data: [1n] }),
  )
  graph.node.unshift(
    create(NodeProtoSchema, { opType: 'Squeeze', input: ['label_1', 'squeeze_axes'], output: ['label_squeezed'] }),
    create(NodeProtoSchema, {
      opType: 'Cast',
      input: ['label_squeezed'],
      output: ['label_cast'],
      attribute: [{ name: 'to', type: AttributeProto_AttributeType.INT, i: BigInt(TensorProto_DataType.INT64) }],
    }),
  )
  return toBinary(ModelProtoSchema, m)
}
