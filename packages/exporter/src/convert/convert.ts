import { ExportError } from '../errors.js'
import { shapeOf, type Flow } from './flow.js'
import { converterFor } from './layers.js'
import { OnnxGraph } from './onnx-graph.js'
import type { Topology } from '../read/topology.js'
import type { WeightStore } from '../read/weights.js'

/** Names of the graph's input and output: part of the model contract. */
export const INPUT_NAME = 'latent'
export const OUTPUT_NAME = 'image'

/** A converted generator: the graph, ending in `image` [batch, H, W, C], and what the contract needs from it. */
export interface ConvertedGraph {
  graph: OnnxGraph
  latentSize: number
  height: number
  width: number
  channels: number
  /**
   * The activation that last shaped the output values (`tanh`, `sigmoid`, …, or the class of an
   * activation layer such as `LeakyReLU`), ignoring layers that only move or repeat values.
   */
  finalActivation: string
}

/** Layers after which the output values still lie in the range the previous activation gave them. */
const RANGE_PRESERVING = new Set([
  'InputLayer',
  'Reshape',
  'Flatten',
  'Dropout',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'UpSampling2D',
  'Cropping2D',
  'ZeroPadding2D',
])

/** Convert a generator's layer chain into an ONNX graph from `latent` [batch, z] to `image` [batch, H, W, C] (NHWC, as TF.js). */
export function convertLayers(topology: Topology, weights: WeightStore): ConvertedGraph {
  const [, latentSize] = topology.inputShape
  if (topology.inputShape.length !== 2 || typeof latentSize !== 'number') {
    throw new ExportError(
      'ERR_UNSUPPORTED_CONFIG',
      `the model's input shape is ${JSON.stringify(topology.inputShape)}; a generator takes a latent vector [batch, z].`,
    )
  }
  const graph = new OnnxGraph()
  let flow: Flow = { kind: 'vector', name: INPUT_NAME, size: latentSize, order: undefined }
  let finalActivation = 'linear'
  for (const [i, layer] of topology.layers.entries()) {
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
    flow = converterFor(layer)(layer, flow, { graph, weight, following: topology.layers.slice(i + 1) })
    if (!RANGE_PRESERVING.has(layer.className)) {
      const fused = layer.config['activation']
      finalActivation = fused === undefined ? layer.className : String(fused ?? 'linear')
    }
  }
  if (flow.kind !== 'image') {
    throw new ExportError(
      'ERR_UNSUPPORTED_CONFIG',
      `the model outputs a vector ${shapeOf(flow)}, not an image; a generator must end in [H, W, C] (add a Reshape).`,
    )
  }
  // Keras order at the boundary: a Reshape suffices when channels-first and channels-last coincide.
  const { c, h, w } = flow
  if (c === 1 || h * w === 1) graph.node('Reshape', [flow.name, graph.int64s('output/shape', [0, h, w, c])], {}, 'output', OUTPUT_NAME)
  else graph.node('Transpose', [flow.name], { perm: [0, 2, 3, 1] }, 'output', OUTPUT_NAME)
  return { graph, latentSize, height: h, width: w, channels: c, finalActivation }
}
