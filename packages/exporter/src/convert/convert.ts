import { ExportError } from '../errors.js'
import type { LayerNode, LayerSpec, Topology } from '../read/topology.js'
import type { WeightStore } from '../read/weights.js'
import { shapeOf, type Flow } from './flow.js'
import { converterFor } from './layers.js'
import { analyzeInputs, INPUT_NAME, LABEL_NAME, LOGIT_NAME, OUTPUT_NAME, type ModelShape } from './model-analysis.js'
import type { Role } from '../options.js'
import { OnnxGraph } from './onnx-graph.js'

/** A converted model: the graph, and what the contract and verification need to know of it. */
export interface ConvertedGraph extends ModelShape {
  graph: OnnxGraph
}

/**
 * Convert a TF.js generator into an ONNX graph from `latent` [batch, z] (and `label` [batch] when
 * conditional) to `image` [batch, H, W, C] (NHWC, as TF.js), or a discriminator from `image` (and
 * `label`) to `logit` [batch, 1].
 */
export function convertModel(topology: Topology, weights: WeightStore, role: Role): ConvertedGraph {
  const { main, mainIo, label, shape } = analyzeInputs(topology, role)
  const graph = new OnnxGraph()
  for (const input of shape.inputs) graph.reserve(input.name)
  const flows = new Map<string, Flow>()
  if (role === 'generator') {
    flows.set(main.name, { kind: 'vector', name: INPUT_NAME, size: shape.latentSize, order: undefined })
  } else {
    const [h, w, c] = mainIo.dims as [number, number, number]
    flows.set(main.name, { kind: 'image', name: imageInput(graph, h, w, c), c, h, w })
  }
  if (label !== undefined) flows.set(label.name, { kind: 'label', name: LABEL_NAME })

  const consumers = new Map<string, LayerNode[]>()
  for (const layer of topology.layers) for (const source of layer.inbound) consumers.set(source, [...(consumers.get(source) ?? []), layer])
  for (const layer of topology.layers) {
    const weight = (key: string, shape: readonly number[]): Float32Array => {
      const name = `${layer.name}/${key}`
      const w = weights.get(name)
      if (w === undefined) {
        const found = weights.namesUnder(`${layer.name}/`)
        throw new ExportError(
          'ERR_INPUT',
          `weight ${name} of ${layer.className} layer "${layer.name}" is not in the weights manifest (it has ${found.length ? found.join(', ') : 'no weights for this layer'}).`,
        )
      }
      if (w.shape.length !== shape.length || w.shape.some((d, j) => d !== shape[j])) {
        throw new ExportError(
          'ERR_INPUT',
          `weight ${name} has shape [${w.shape.join(', ')}], but the layer's config and input imply [${shape.join(', ')}]; model.json and the weights do not match.`,
        )
      }
      return w.data
    }
    const hasWeight = (key: string) => weights.has(`${layer.name}/${key}`)
    const following: LayerSpec[] = []
    for (let next = consumers.get(layer.name); next?.length === 1; next = consumers.get(next[0]!.name)) following.push(next[0]!)
    const layerInputs = layer.inbound.map((source) => flows.get(source)!)
    flows.set(layer.name, converterFor(layer)(layer, layerInputs, { graph, weight, hasWeight, following }))
  }

  const result = flows.get(topology.output)!
  const base = { ...shape, graph }
  if (role === 'discriminator') {
    if (result.kind !== 'vector' || result.size !== 1 || result.singleStep) {
      throw new ExportError(
        'ERR_UNSUPPORTED_CONFIG',
        `the discriminator outputs ${shapeOf(result)}; a discriminator must end in one logit [1] (a Dense(1)).`,
      )
    }
    if (graph.producerOf(result.name) === undefined) graph.node('Identity', [result.name], {}, 'output', LOGIT_NAME)
    else graph.rename(result.name, LOGIT_NAME)
    const [h, w, c] = mainIo.dims as [number, number, number]
    return { ...base, output: { name: LOGIT_NAME, type: 'float', dims: [1] }, height: h, width: w, channels: c }
  }
  if (result.kind !== 'image') {
    throw new ExportError(
      'ERR_UNSUPPORTED_CONFIG',
      `the model outputs ${result.kind === 'label' ? 'its label input' : `a vector ${shapeOf(result)}`}, not an image; a generator must end in [H, W, C] (add a Reshape).`,
    )
  }
  // Keras order at the boundary: a Reshape suffices when channels-first and channels-last coincide.
  const { c, h, w } = result
  if (c === 1 || h * w === 1) graph.node('Reshape', [result.name, graph.int64s('output/shape', [0, h, w, c])], {}, 'output', OUTPUT_NAME)
  else graph.node('Transpose', [result.name], { perm: [0, 2, 3, 1] }, 'output', OUTPUT_NAME)
  return { ...base, output: { name: OUTPUT_NAME, type: 'float', dims: [h, w, c] }, height: h, width: w, channels: c }
}

/** The NHWC `image` input as the channels-first tensor the graph runs on. */
function imageInput(graph: OnnxGraph, h: number, w: number, c: number): string {
  if (c === 1 || h * w === 1) return graph.node('Reshape', [OUTPUT_NAME, graph.int64s('input/shape', [0, c, h, w])], {}, 'input')
  return graph.node('Transpose', [OUTPUT_NAME], { perm: [0, 3, 1, 2] }, 'input')
}
