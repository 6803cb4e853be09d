import { ExportError } from '../errors.js'
import { oneOf, unsupported } from '../read/layer-config.js'
import type { LayerSpec } from '../read/topology.js'
import { shapeOf, type Flow, type Image, type Vector } from './flow.js'
import type { OnnxGraph } from './onnx-graph.js'
import { gather } from './tensor-layout.js'

/** What a layer converter may use besides its inputs. */
export interface LayerContext {
  graph: OnnxGraph
  /** The layer's weight `key` (e.g. `kernel`), checked against the shape the config implies and for finite values. */
  weight(key: string, shape: readonly number[]): Float32Array
  /** Whether the weights manifest has the layer's weight `key`. */
  hasWeight(key: string): boolean
  /** The layers after this one while each is the only reader of the last, for converters that pick a layout to suit what follows. */
  following: readonly LayerSpec[]
}

/** Converts one Keras layer: its input flows (in call order) to its output flow, adding nodes to `ctx.graph`. */
export type Converter = (layer: LayerSpec, inputs: readonly Flow[], ctx: LayerContext) => Flow

/** A converter of a layer that takes one input. */
export function unary(convert: (layer: LayerSpec, x: Flow, ctx: LayerContext) => Flow): Converter {
  return (layer, inputs, ctx) => {
    if (inputs.length !== 1) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `${layer.className} layer "${layer.name}" takes ${inputs.length} inputs; it converts with exactly one.`,
      )
    }
    return convert(layer, inputs[0]!, ctx)
  }
}

export function image(layer: LayerSpec, x: Flow): Image {
  if (x.kind !== 'image') unsupported(layer, `gets a ${x.kind} input ${shapeOf(x)}`, 'it needs an image [H, W, C]; add a Reshape before it')
  oneOf(layer, 'data_format', ['channels_last'], 'channels_last')
  return x
}

export function vector(layer: LayerSpec, x: Flow): Vector {
  if (x.kind === 'label') unsupported(layer, 'reads the class-index input directly', 'pass the label through an Embedding first')
  if (x.kind !== 'vector') unsupported(layer, `gets an image input ${shapeOf(x)}`, 'only vector inputs convert; add a Flatten before it')
  return x
}

/** A vector or an image: what elementwise layers (batch norm, activations) take. */
export function values(layer: LayerSpec, x: Flow): Vector | Image {
  if (x.kind === 'label') unsupported(layer, 'reads the class-index input directly', 'pass the label through an Embedding first')
  return x
}

/** Reorder per-feature parameters to the physical order of a vector flow (images need none). */
export function perFeature(x: Flow, data: Float32Array): Float32Array {
  return x.kind === 'vector' && x.order !== undefined ? gather(data, x.order) : data
}
