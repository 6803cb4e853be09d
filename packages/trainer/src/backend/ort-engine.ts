import { create, toBinary } from '@bufbuild/protobuf'
import { createRequire } from 'node:module'
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  ValueInfoProtoSchema,
  type AttributeProto,
  type ValueInfoProto,
} from 'onnx-buf'
import type { Binding } from 'onnxruntime-node/dist/binding.js'
import type { Tensor, TensorConstructor } from 'onnxruntime-node'

/** An attribute of an operator: an integer, a list of integers, or a float (ONNX types them apart). */
export type OpAttribute = number | readonly number[] | { float: number }

/** A graph of a few ONNX operators on float32 tensors of fixed shapes: what one kernel runs. */
export interface OpGraph {
  nodes: ReadonlyArray<{ op: string; inputs: readonly string[]; output: string; attributes?: Record<string, OpAttribute> }>
  inputs: ReadonlyArray<{ name: string; dims: readonly number[] }>
  output: { name: string; dims: readonly number[] }
}

/** A float32 tensor's data, usually a view of the wasm backend's heap, and its shape. */
export interface OpTensor {
  data: Float32Array
  dims: readonly number[]
}

/** Sessions kept per thread; more shapes than this (a test sweep) drop the least recently used. */
const MAX_SESSIONS = 64

/** The opset of the graphs: every operator used exists unchanged there. */
const OPSET = 17

/**
 * Runs small operator graphs (a convolution, a matrix product) in ONNX Runtime's CPU kernels
 * (MLAS: AVX2/AVX-512 with fused multiply-add where the CPU has them), synchronously, on the
 * calling thread, reading its inputs from and writing its output into the caller's memory (the wasm
 * backend's heap; the binding also returns a copy of the output, which is dropped). One session per
 * graph shape, built on first use; one thread per session, so a run repeats exactly on one machine
 * (MLAS picks its kernels by the CPU's instruction set) and each training replica keeps to its core.
 *
 * onnxruntime-node's public `run()` is asynchronous, and a TF.js kernel must return its result
 * synchronously; its native session object (`onnxruntime-node/dist/binding`, the one `run()`
 * wraps) is synchronous. That is an internal module of the pinned onnxruntime-node 1.30.0, held by
 * ort-engine.test.ts.
 */
export class OrtEngine {
  readonly #sessions = new Map<string, Binding.InferenceSession>()
  readonly #failed = new Map<string, unknown>()
  /** Graphs run so far: how tests see that a kernel ran here. */
  runs = 0

  constructor(
    readonly binding: typeof import('onnxruntime-node/dist/binding.js').binding,
    readonly Tensor: TensorConstructor,
  ) {}

  /**
   * Run the graph `key` names (built by `graph()` the first time) on `feeds`, writing its output into
   * `output.data`. False when ONNX Runtime refused the graph or failed to run it (then and for good:
   * the key is remembered), for the caller to use the wasm backend's kernel instead.
   */
  run(key: string, graph: () => OpGraph, feeds: Record<string, OpTensor>, output: OpTensor & { name: string }): boolean {
    if (this.#failed.has(key)) return false
    try {
      this.#run(key, graph, feeds, output)
      return true
    } catch (err) {
      this.#failed.set(key, err)
      this.#sessions.get(key)?.dispose()
      this.#sessions.delete(key)
      return false
    }
  }

  /** The graphs ONNX Runtime refused or failed to run, with why: for tests and diagnosis. */
  get failures(): ReadonlyMap<string, unknown> {
    return this.#failed
  }

  #run(key: string, graph: () => OpGraph, feeds: Record<string, OpTensor>, output: OpTensor & { name: string }): void {
    let session = this.#sessions.get(key)
    if (session === undefined) {
      session = this.#open(graph())
      if (this.#sessions.size >= MAX_SESSIONS) {
        const [oldest, old] = this.#sessions.entries().next().value!
        this.#sessions.delete(oldest)
        old.dispose()
      }
    } else {
      this.#sessions.delete(key)
    }
    this.#sessions.set(key, session)
    const tensor = (t: OpTensor) => new this.Tensor('float32', t.data, t.dims) as Tensor
    const inputs = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, tensor(t)]))
    session.run(inputs, { [output.name]: tensor(output) }, {})
    this.runs++
  }

  #open(graph: OpGraph): Binding.InferenceSession {
    const bytes = modelBytes(graph)
    const session = new this.binding.InferenceSession()
    session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    })
    return session
  }
}

let engine: OrtEngine | { error: string } | undefined

/**
 * This thread's engine, or undefined where onnxruntime-node does not load (no build for this
 * platform): the kernels then keep the wasm backend's own, and {@link ortEngineError} says why.
 */
export function ortEngine(): OrtEngine | undefined {
  const loaded = loadOnce()
  return loaded instanceof OrtEngine ? loaded : undefined
}

/** Why {@link ortEngine} has no engine (the first line of the load error), or undefined when it has one. */
export function ortEngineError(): string | undefined {
  const loaded = loadOnce()
  return loaded instanceof OrtEngine ? undefined : loaded.error
}

function loadOnce(): OrtEngine | { error: string } {
  return (engine ??= loadOrtEngine())
}

/** An engine on what `load` returns (onnxruntime-node's synchronous binding and its Tensor), or why there is none. */
export function loadOrtEngine(
  load: () => { ort: typeof import('onnxruntime-node/dist/binding.js'); Tensor: TensorConstructor } = requireOrt,
): OrtEngine | { error: string } {
  try {
    const { ort, Tensor } = load()
    ort.initOrt()
    return new OrtEngine(ort.binding, Tensor)
  } catch (err) {
    return { error: String(err instanceof Error ? err.message : err).split('\n')[0]! }
  }
}

function requireOrt() {
  const require = createRequire(import.meta.url)
  return {
    ort: require('onnxruntime-node/dist/binding.js') as typeof import('onnxruntime-node/dist/binding.js'),
    Tensor: (require('onnxruntime-node') as typeof import('onnxruntime-node')).Tensor,
  }
}

/** The graph as an ONNX model (opset 17, IR 8). */
export function modelBytes(graph: OpGraph): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [{ domain: '', version: BigInt(OPSET) }],
    graph: {
      name: 'kernel',
      node: graph.nodes.map((n) =>
        create(NodeProtoSchema, {
          opType: n.op,
          input: [...n.inputs],
          output: [n.output],
          attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
        }),
      ),
      input: graph.inputs.map(valueInfo),
      output: [valueInfo(graph.output)],
    },
  })
  return toBinary(ModelProtoSchema, model)
}

function attribute(name: string, value: OpAttribute): AttributeProto {
  if (typeof value === 'number') return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) })
  if ('float' in value) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value.float })
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map(BigInt) })
}

function valueInfo({ name, dims }: { name: string; dims: readonly number[] }): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: TensorProto_DataType.FLOAT,
          shape: { dim: dims.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } })) },
        },
      },
    },
  })
}
