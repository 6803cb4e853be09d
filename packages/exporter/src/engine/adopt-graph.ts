import { create, fromBinary } from '@bufbuild/protobuf'
import {
  AttributeProto_AttributeType,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  ValueInfoProtoSchema,
  type ModelProto,
  type ValueInfoProto,
} from 'onnx-buf'
import { LOGIT_NAME, OUTPUT_NAME, type ModelInputs, type ModelShape } from '../convert/model-analysis.js'
import { ExportError } from '../errors.js'

/**
 * Give a graph converted elsewhere (tf2onnx) the contract's interface: its latent (or image) input
 * renamed `latent` (`image`), a label input taken as int64 `label` [batch] and cast to what the graph
 * reads (tf2onnx keeps TF's float or int32 `[batch, 1]`), its output renamed `image` (`logit`), and
 * `batch` as the batch dimension. Inputs are told apart by rank: the label is `[batch, 1]`.
 */
export function adoptGraph(bytes: Uint8Array, { mainIo, label, shape }: ModelInputs): { model: ModelProto; shape: ModelShape } {
  const model = fromBinary(ModelProtoSchema, bytes)
  const graph = model.graph
  if (graph === undefined) throw foreign('has no graph')
  const initializers = new Set(graph.initializer.map((t) => t.name))
  const inputs = graph.input.filter((i) => !initializers.has(i.name))
  if (inputs.length !== shape.inputs.length || graph.output.length !== 1)
    throw foreign(
      `has ${inputs.length} inputs and ${graph.output.length} outputs; the model has ${shape.inputs.length} inputs and one output`,
    )
  const isLabel = (v: ValueInfoProto) => label !== undefined && dimsOf(v).length === 2 && dimsOf(v)[1] === 1
  const main = inputs.find((v) => !isLabel(v) && dimsOf(v).length === mainIo.dims.length + 1)
  const labelInput = inputs.find((v) => v !== main && isLabel(v))
  if (main === undefined || (label !== undefined && labelInput === undefined))
    throw foreign(`has inputs ${inputs.map((i) => i.name).join(', ')}, which do not match the model's`)

  rename(model, main.name, mainIo.name)
  setBatch(main)
  const output = graph.output[0]!
  const outputName = shape.role === 'generator' ? OUTPUT_NAME : LOGIT_NAME
  rename(model, output.name, outputName)
  setBatch(output)
  const outDims = dimsOf(output).slice(1)
  if (!outDims.every((d): d is number => typeof d === 'number') || outDims.length !== (shape.role === 'generator' ? 3 : 1))
    throw foreign(`outputs ${JSON.stringify(dimsOf(output))}, not ${shape.role === 'generator' ? '[batch, H, W, C]' : '[batch, 1]'}`)

  if (labelInput !== undefined) {
    const elemType = (labelInput.type?.value.value as { elemType?: number } | undefined)?.elemType ?? TensorProto_DataType.FLOAT
    const axes = `${labelInput.name}/axes`
    graph.initializer.push(create(TensorProtoSchema, { name: axes, dims: [1n], dataType: TensorProto_DataType.INT64, int64Data: [1n] }))
    const unsqueezed = `${labelInput.name}/unsqueezed`
    graph.node.unshift(
      create(NodeProtoSchema, {
        opType: 'Unsqueeze',
        name: `${labelInput.name}/Unsqueeze`,
        input: [shape.inputs[1]!.name, axes],
        output: [unsqueezed],
      }),
      create(NodeProtoSchema, {
        opType: 'Cast',
        name: `${labelInput.name}/Cast`,
        input: [unsqueezed],
        output: [labelInput.name],
        attribute: [{ name: 'to', type: AttributeProto_AttributeType.INT, i: BigInt(elemType) }],
      }),
    )
    graph.input[graph.input.indexOf(labelInput)] = create(ValueInfoProtoSchema, {
      name: shape.inputs[1]!.name,
      type: {
        value: {
          case: 'tensorType',
          value: { elemType: TensorProto_DataType.INT64, shape: { dim: [{ value: { case: 'dimParam', value: 'batch' } }] } },
        },
      },
    })
  }
  const [h, w, c] = shape.role === 'generator' ? (outDims as number[]) : (mainIo.dims as number[])
  return {
    model,
    shape: { ...shape, output: { name: outputName, type: 'float', dims: outDims as number[] }, height: h!, width: w!, channels: c! },
  }
}

function foreign(what: string): ExportError {
  return new ExportError('ERR_ENGINE', `the ONNX model tf2onnx wrote ${what}; export with the native engine instead.`)
}

function dimsOf(v: ValueInfoProto): Array<number | string> {
  const type = v.type?.value
  if (type?.case !== 'tensorType') return []
  return (type.value.shape?.dim ?? []).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : String(d.value.value ?? '?')))
}

function setBatch(v: ValueInfoProto): void {
  const type = v.type?.value
  const first = type?.case === 'tensorType' ? type.value.shape?.dim[0] : undefined
  if (first !== undefined) first.value = { case: 'dimParam', value: 'batch' }
}

/** Rename a tensor everywhere: graph inputs and outputs, node inputs and outputs. */
function rename(model: ModelProto, from: string, to: string): void {
  if (from === to) return
  const graph = model.graph!
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) if (v.name === from) v.name = to
  for (const node of graph.node) {
    node.input = node.input.map((t) => (t === from ? to : t))
    node.output = node.output.map((t) => (t === from ? to : t))
  }
}
