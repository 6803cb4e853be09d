import { ExportError } from '../errors.js'
import type { GraphNode, OnnxGraph } from '../convert/onnx-graph.js'

/** For each op, the weight axis of its output channels (Gemm's B is [in, out]; Conv's W [out, in, kh, kw]; ConvTranspose's W [in, out, kh, kw]). */
const OUTPUT_AXIS: Record<string, number> = { Gemm: 1, Conv: 0, ConvTranspose: 1 }

/**
 * Fold every BatchNormalization that reads a Gemm, Conv or ConvTranspose (as that node's only
 * reader) into the node's weights: W'[…o…] = W[…o…]·s[o], b' = (b − mean)·s + beta with
 * s = gamma / √(variance + epsilon), computed in float64. Inference-mode batch norm is exactly this
 * affine map, so the graph computes the same function with one node fewer per fold. Returns how many
 * were folded. Throws ERR_INVALID_WEIGHTS when a folded value overflows float32.
 */
export function foldBatchNorms(graph: OnnxGraph): number {
  let folded = 0
  for (const bn of graph.nodes.filter((n) => n.opType === 'BatchNormalization')) {
    const producer = graph.producerOf(bn.inputs[0]!)
    if (producer === undefined || !(producer.opType in OUTPUT_AXIS) || graph.consumersOf(bn.inputs[0]!).length !== 1) continue
    const params = bn.inputs.slice(1).map((name) => graph.initializers.get(name))
    const kernel = graph.initializers.get(producer.inputs[1]!)
    const bias = producer.inputs[2] === undefined ? undefined : graph.initializers.get(producer.inputs[2])
    if (params.some((p) => p?.type !== 'float') || kernel?.type !== 'float' || (bias !== undefined && bias.type !== 'float')) continue
    if (onlyReader(graph, producer, kernel.name) === false || (bias !== undefined && !onlyReader(graph, producer, bias.name))) continue
    const [gamma, beta, mean, variance] = params.map((p) => p!.data as Float32Array) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ]
    const epsilon = Math.fround((bn.attributes['epsilon'] as { float: number } | undefined)?.float ?? 1e-5)
    const scale = Float64Array.from(gamma, (g, o) => g / Math.sqrt(variance[o]! + epsilon))

    const axis = OUTPUT_AXIS[producer.opType]!
    const dims = kernel.dims
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1)
    const channels = dims[axis]!
    const w = kernel.data.map((x, i) => x * scale[Math.floor(i / inner) % channels]!)
    const b = Float32Array.from(scale, (s, o) => ((bias?.data[o] ?? 0) - mean[o]!) * s + beta[o]!)
    for (const [name, values] of [
      [kernel.name, w],
      [bias?.name ?? `${producer.name} bias`, b],
    ] as const) {
      if (!values.every(Number.isFinite)) {
        throw new ExportError(
          'ERR_INVALID_WEIGHTS',
          `folding BatchNormalization "${bn.name}" into ${name} overflows float32 (a variance near −epsilon?); export without optimisation (--no-optimize) or fix the batch-norm statistics.`,
        )
      }
    }
    kernel.data = w
    if (bias !== undefined) bias.data = b
    else producer.inputs[2] = graph.floats(`${producer.inputs[1]!.replace(/\/kernel$/, '')}/bias`, [channels], b)
    producer.outputs[0] = bn.outputs[0]!
    graph.nodes = graph.nodes.filter((n) => n !== bn)
    folded++
  }
  graph.pruneInitializers()
  return folded
}

function onlyReader(graph: OnnxGraph, node: GraphNode, tensor: string): boolean {
  return graph.consumersOf(tensor).every((n) => n === node)
}
