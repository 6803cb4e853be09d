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

/** ONNX opset the exporter writes. Every operator it emits exists unchanged there; ORT runs it natively. */
export const OPSET_VERSION = 17
/** The IR version released with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8

/** Integers, strings and int lists map to ONNX INT/STRING/INTS; floats must say so, as ONNX types them apart. */
export type AttributeValue = number | string | readonly number[] | { float: number }

/** Accumulates the nodes and initializers of one ONNX graph, keeping every tensor name unique. */
export class OnnxGraph {
  readonly nodes: NodeProto[] = []
  readonly initializers: TensorProto[] = []
  readonly #used = new Set<string>()

  /** `hint`, or `hint_1`, `hint_2`… if taken. */
  uniqueName(hint: string): string {
    let name = hint
    for (let i = 1; this.#used.has(name); i++) name = `${hint}_${i}`
    this.#used.add(name)
    return name
  }

  /** Add a float32 initializer; returns its name. */
  floats(hint: string, dims: readonly number[], data: Float32Array): string {
    const name = this.uniqueName(hint)
    const raw = new Uint8Array(data.length * 4)
    const view = new DataView(raw.buffer)
    // ONNX raw_data is little-endian whatever the host is.
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true)
    this.initializers.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: raw }))
    return name
  }

  /** Add an int64 initializer (shapes, pads, indices); returns its name. */
  int64s(hint: string, values: ArrayLike<number>): string {
    const name = this.uniqueName(hint)
    this.initializers.push(
      create(TensorProtoSchema, {
        name,
        dims: [BigInt(values.length)],
        dataType: TensorProto_DataType.INT64,
        int64Data: Array.from(values, BigInt),
      }),
    )
    return name
  }

  /**
   * Append a node of `scope` (the Keras layer it implements, so the graph reads like the model);
   * returns its single output, named `output` when given.
   */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue>, scope: string, output?: string): string {
    const out = output ?? this.uniqueName(`${scope}/${opType}`)
    if (output !== undefined) this.#used.add(output)
    this.nodes.push(
      create(NodeProtoSchema, {
        opType,
        name: this.uniqueName(`${scope}/${opType}_node`),
        input: [...inputs],
        output: [out],
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    )
    return out
  }

  /** Serialise as a model with one float32 input and one float32 output, both batch-first with a symbolic `batch`. */
  toBytes(spec: {
    graphName: string
    input: { name: string; dims: readonly number[] }
    output: { name: string; dims: readonly number[] }
    metadata: Record<string, string>
    producerVersion: string
    docString: string
  }): Uint8Array {
    const model = create(ModelProtoSchema, {
      irVersion: BigInt(IR_VERSION),
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

function valueInfo(name: string, dims: readonly number[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: TensorProto_DataType.FLOAT,
          shape: {
            dim: [
              { value: { case: 'dimParam', value: 'batch' } },
              ...dims.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } })),
            ],
          },
        },
      },
    },
  })
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`attribute ${name}=${value} is not an integer; wrap floats as { float }`)
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) })
  }
  if (typeof value === 'string')
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value) })
  if ('float' in value) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value.float })
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map(BigInt) })
}
