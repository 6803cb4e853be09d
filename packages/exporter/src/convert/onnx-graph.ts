import { create } from '@bufbuild/protobuf'
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type ModelProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf'

/** ONNX opset the exporter writes. Every operator it emits exists unchanged there; ORT runs it natively. */
export const OPSET_VERSION = 17
/** The IR version released with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8

/** Integers, strings and int lists map to ONNX INT/STRING/INTS; floats must say so, as ONNX types them apart. */
export type AttributeValue = number | string | readonly number[] | { float: number }

/** A constant tensor of the graph. Float weights stay float32 until a pass (float16.ts) narrows them. */
export type Initializer =
  | { name: string; dims: number[]; type: 'float'; data: Float32Array }
  | { name: string; dims: number[]; type: 'float16'; data: Uint16Array }
  | { name: string; dims: number[]; type: 'int64'; data: number[] }

export interface GraphNode {
  opType: string
  name: string
  inputs: string[]
  outputs: string[]
  attributes: Record<string, AttributeValue>
}

/** A graph input or output: batch-first with the symbolic dimension `batch`, then `dims`. */
export interface GraphIo {
  name: string
  type: 'float' | 'int64'
  dims: readonly number[]
}

const DATA_TYPE = { float: TensorProto_DataType.FLOAT, float16: TensorProto_DataType.FLOAT16, int64: TensorProto_DataType.INT64 }

/**
 * One ONNX graph under construction: nodes in execution order and named initializers, with every
 * tensor name unique. Kept as plain data so that passes (batch-norm folding, layout clean-up,
 * float16) can rewrite it before it is serialised.
 */
export class OnnxGraph {
  nodes: GraphNode[] = []
  readonly initializers = new Map<string, Initializer>()
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
    this.initializers.set(name, { name, dims: [...dims], type: 'float', data })
    return name
  }

  /** Add an int64 initializer (shapes, pads, indices); returns its name. */
  int64s(hint: string, values: ArrayLike<number>): string {
    const name = this.uniqueName(hint)
    this.initializers.set(name, { name, dims: [values.length], type: 'int64', data: Array.from(values) })
    return name
  }

  /** Mark a name as taken (graph inputs), so no node output or initializer reuses it. */
  reserve(name: string): string {
    this.#used.add(name)
    return name
  }

  /**
   * Append a node of `scope` (the Keras layer it implements, so the graph reads like the model);
   * returns its single output, named `output` when given.
   */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue>, scope: string, output?: string): string {
    const out = output ?? this.uniqueName(`${scope}/${opType}`)
    if (output !== undefined) this.#used.add(output)
    this.nodes.push({ opType, name: this.uniqueName(`${scope}/${opType}_node`), inputs: [...inputs], outputs: [out], attributes })
    return out
  }

  /** The node whose output is `tensor`, if a node makes it (not a graph input or initializer). */
  producerOf(tensor: string): GraphNode | undefined {
    return this.nodes.find((n) => n.outputs.includes(tensor))
  }

  /** The nodes that read `tensor`. */
  consumersOf(tensor: string): GraphNode[] {
    return this.nodes.filter((n) => n.inputs.includes(tensor))
  }

  /** Rename a node output everywhere it is read (to give the graph output its contract name). */
  rename(tensor: string, to: string): void {
    this.#used.add(to)
    for (const node of this.nodes) {
      node.inputs = node.inputs.map((t) => (t === tensor ? to : t))
      node.outputs = node.outputs.map((t) => (t === tensor ? to : t))
    }
  }

  /** Drop initializers no node reads any more (after a pass replaced them). */
  pruneInitializers(): void {
    const read = new Set(this.nodes.flatMap((n) => n.inputs))
    for (const name of [...this.initializers.keys()]) if (!read.has(name)) this.initializers.delete(name)
  }

  /** The initializers as ONNX tensors, in the order they were added: what `gan.weights_sha256` covers. */
  initializerProtos(): TensorProto[] {
    return [...this.initializers.values()].map(tensorProto)
  }

  /** The graph as a model (opset 17, IR 8), without metadata. */
  toModel(spec: {
    graphName: string
    inputs: readonly GraphIo[]
    outputs: readonly GraphIo[]
    producerVersion: string
    docString: string
  }): ModelProto {
    return create(ModelProtoSchema, {
      irVersion: BigInt(IR_VERSION),
      opsetImport: [{ domain: '', version: BigInt(OPSET_VERSION) }],
      producerName: 'gan-sdk-exporter',
      producerVersion: spec.producerVersion,
      docString: spec.docString,
      graph: {
        name: spec.graphName,
        node: this.nodes.map((n) =>
          create(NodeProtoSchema, {
            opType: n.opType,
            name: n.name,
            input: n.inputs,
            output: n.outputs,
            attribute: Object.entries(n.attributes).map(([name, value]) => attribute(name, value)),
          }),
        ),
        initializer: this.initializerProtos(),
        input: spec.inputs.map(valueInfo),
        output: spec.outputs.map(valueInfo),
      },
    })
  }
}

function tensorProto(t: Initializer): TensorProto {
  const dims = t.dims.map(BigInt)
  if (t.type === 'int64') return create(TensorProtoSchema, { name: t.name, dims, dataType: DATA_TYPE.int64, int64Data: t.data.map(BigInt) })
  const size = t.type === 'float' ? 4 : 2
  const raw = new Uint8Array(t.data.length * size)
  const view = new DataView(raw.buffer)
  // ONNX raw_data is little-endian whatever the host is.
  for (let i = 0; i < t.data.length; i++) {
    if (t.type === 'float') view.setFloat32(i * 4, t.data[i]!, true)
    else view.setUint16(i * 2, t.data[i]!, true)
  }
  return create(TensorProtoSchema, { name: t.name, dims, dataType: DATA_TYPE[t.type], rawData: raw })
}

function valueInfo({ name, type, dims }: GraphIo): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: DATA_TYPE[type],
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
