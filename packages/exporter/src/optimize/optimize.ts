import type { OnnxGraph } from '../convert/onnx-graph.js'
import { foldBatchNorms } from './fold-batch-norm.js'
import { simplifyLayout } from './simplify-layout.js'

/** What graph optimisation did. */
export interface OptimizeReport {
  /** Nodes as converted, one or more per layer. */
  nodesBefore: number
  nodesAfter: number
  foldedBatchNorms: number
  removedLayoutNodes: number
}

/** Fold batch norms into the layers before them, then remove redundant Reshape/Transpose/Gather nodes. Same function, fewer nodes. */
export function optimizeGraph(graph: OnnxGraph, outputs: readonly string[]): OptimizeReport {
  const nodesBefore = graph.nodes.length
  const foldedBatchNorms = foldBatchNorms(graph)
  const removedLayoutNodes = simplifyLayout(graph, outputs)
  return { nodesBefore, nodesAfter: graph.nodes.length, foldedBatchNorms, removedLayoutNodes }
}
