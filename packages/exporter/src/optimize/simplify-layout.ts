import type { GraphNode, OnnxGraph } from '../convert/onnx-graph.js'

/** A rewrite at `node`; true when it changed the graph. */
type Rule = (graph: OnnxGraph, node: GraphNode, outputs: readonly string[]) => boolean

/**
 * Remove layout nodes that the next node makes redundant: a Reshape read only by another Reshape
 * (the second alone gives the same tensor), two Transposes in a row (one, or none when they cancel),
 * and a column Gather of an embedding lookup (the table's columns are permuted instead). `outputs`
 * are the graph outputs, whose names must survive. Returns how many nodes were removed.
 */
export function simplifyLayout(graph: OnnxGraph, outputs: readonly string[]): number {
  const before = graph.nodes.length
  const rules = [mergeReshapes, composeTransposes, foldColumnGather]
  while (graph.nodes.some((node) => rules.some((rule) => rule(graph, node, outputs))));
  graph.pruneInitializers()
  return before - graph.nodes.length
}

const mergeReshapes: Rule = (graph, node, outputs) => {
  const source = soleSource(graph, node, outputs)
  if (node.opType !== 'Reshape' || source?.opType !== 'Reshape' || !copiesOnlyBatch(graph, node)) return false
  node.inputs[0] = source.inputs[0]!
  remove(graph, source)
  return true
}

const composeTransposes: Rule = (graph, node, outputs) => {
  const source = soleSource(graph, node, outputs)
  if (node.opType !== 'Transpose' || source?.opType !== 'Transpose') return false
  const [first, second] = [source.attributes['perm'] as number[], node.attributes['perm'] as number[]]
  const perm = second.map((axis) => first[axis]!)
  remove(graph, source)
  if (perm.every((axis, i) => axis === i) && !outputs.includes(node.outputs[0]!)) {
    for (const reader of graph.consumersOf(node.outputs[0]!))
      reader.inputs = reader.inputs.map((t) => (t === node.outputs[0] ? source.inputs[0]! : t))
    remove(graph, node)
  } else {
    node.inputs[0] = source.inputs[0]!
    node.attributes['perm'] = perm
  }
  return true
}

const foldColumnGather: Rule = (graph, node, outputs) => {
  const source = soleSource(graph, node, outputs)
  if (node.opType !== 'Gather' || node.attributes['axis'] !== 1 || source?.opType !== 'Gather' || (source.attributes['axis'] ?? 0) !== 0)
    return false
  if (!permuteTableColumns(graph, source, node)) return false
  source.outputs[0] = node.outputs[0]!
  remove(graph, node)
  return true
}

/** The node making `node`'s first input, when `node` is its only reader and it is not a graph output. */
function soleSource(graph: OnnxGraph, node: GraphNode, outputs: readonly string[]): GraphNode | undefined {
  const tensor = node.inputs[0]!
  const source = graph.producerOf(tensor)
  return source !== undefined && graph.consumersOf(tensor).length === 1 && !outputs.includes(tensor) ? source : undefined
}

function remove(graph: OnnxGraph, node: GraphNode): void {
  graph.nodes = graph.nodes.filter((n) => n !== node)
}

/** A Reshape whose shape copies the input's dimension 0 only (the batch, as the exporter writes every Reshape). */
function copiesOnlyBatch(graph: OnnxGraph, node: GraphNode): boolean {
  const shape = graph.initializers.get(node.inputs[1]!)
  return shape?.type === 'int64' && shape.data.every((d, i) => d !== 0 || i === 0)
}

/** `gather(table, label)[:, columns]` as `gather(table[:, columns], label)`, when the table is a float initializer only `lookup` reads. */
function permuteTableColumns(graph: OnnxGraph, lookup: GraphNode, columns: GraphNode): boolean {
  const table = graph.initializers.get(lookup.inputs[0]!)
  const indices = graph.initializers.get(columns.inputs[1]!)
  if (table?.type !== 'float' || table.dims.length !== 2 || indices?.type !== 'int64' || graph.consumersOf(table.name).length !== 1)
    return false
  const [rows, cols] = table.dims as [number, number]
  const width = indices.data.length
  const data = new Float32Array(rows * width)
  for (let r = 0; r < rows; r++) indices.data.forEach((c, j) => (data[r * width + j] = table.data[r * cols + c]!))
  table.data = data
  table.dims = [rows, width]
  return true
}
