import { create, toBinary } from '@bufbuild/protobuf'
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf'

/** ONNX opset the exporter targets; every op used exists unchanged there. */
export const OPSET_VERSION = 17
/** IR version matching opset 17 (ONNX 1.12). */
const IR_VERSION = 8n

export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] }

/**
 * Accumulates nodes and initializers of one ONNX graph. Names are made unique with a counter so
 * converters can ask for "conv_out" without coordinating.
 */
export class OnnxGraph {
  readonly nodes: NodeProto[] = []
  readonly initializers: TensorProto[] = []
  #counter = 0

  name(hint: string): string {
    return `${hint}_${this.#counter++}`
  }

  /** Add a float32 initializer and return its name. */
  constant(hint: string, dims: readonly number[], data: Float32Array): string {
    const name = this.name(hint)
    const bytes = new Uint8Array(data.byteLength)
    const view = new DataView(bytes.buffer)
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true) // ONNX raw_data is little-endian
    this.initializers.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: bytes }))
    return name
  }

  /** Add an int64 initializer (shapes for Reshape) and return its name. */
  int64Constant(hint: string, values: readonly number[]): string {
    const name = this.name(hint)
    this.initializers.push(create(TensorProtoSchema, { name, dims: [BigInt(values.length)], dataType: TensorProto_DataType.INT64, int64Data: values.map(BigInt) }))
    return name
  }

  /** Append a node; returns its (single) output name. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, hint = opType.toLowerCase()): string {
    const output = this.name(hint)
    this.nodes.push(
      create(NodeProtoSchema, {
        opType,
        name: this.name(`${hint}_node`),
        input: [...inputs],
        output: [output],
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    )
    return output
  }

  /** Serialise as a model with one float input and one float output, batch dimension symbolic. */
  toModel(spec: {
    input: { name: string; dims: readonly number[] }
    output: { name: string; dims: readonly number[]; from: string }
    metadata: Record<string, string>
    producerVersion: string
    docString: string
    graphName: string
  }): Uint8Array {
    // Rename the last node's output to the public output name.
    for (const node of this.nodes) node.output = node.output.map((o) => (o === spec.output.from ? spec.output.name : o))
    for (const node of this.nodes) node.input = node.input.map((i) => (i === spec.output.from ? spec.output.name : i))
    const model = create(ModelProtoSchema, {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: BigInt(OPSET_VERSION) }],
      producerName: 'gan-sdk-exporter',
      producerVersion: spec.producerVersion,
      docString: spec.docString,
      graph: {
        name: spec.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(spec.input.name, spec.input.dims)],
        output: [valueInfo(spec.output.name, spec.output.dims)],
      },
      metadataProps: Object.entries(spec.metadata).map(([key, value]) => ({ key, value })),
    })
    return toBinary(ModelProtoSchema, model)
  }
}

/** A float tensor value with a symbolic first (batch) dimension. */
function valueInfo(name: string, dims: readonly number[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: TensorProto_DataType.FLOAT,
          shape: { dim: [{ value: { case: 'dimParam', value: 'batch' } }, ...dims.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } }))] },
        },
      },
    },
  })
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`attribute ${name}=${value}: wrap non-integers as { float }`)
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) })
  }
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value) })
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map(BigInt) })
  if ('float' in value) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value.float })
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOATS, floats: value.floats })
}
