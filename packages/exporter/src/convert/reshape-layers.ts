import { ExportError } from '../errors.js'
import { oneOf, unsupported } from '../read/layer-config.js'
import type { LayerSpec } from '../read/topology.js'
import { image, unary, values, type Converter } from './converter.js'
import type { Image, Vector } from './flow.js'
import type { OnnxGraph } from './onnx-graph.js'
import { channelsFirstOrder, invert, isIdentity, type Order } from './tensor-layout.js'

/** Channels-first image as a vector: a free Reshape whose element order is recorded instead of transposed. */
function imageToVector(graph: OnnxGraph, x: Image, scope: string): Vector {
  const size = x.c * x.h * x.w
  const order = channelsFirstOrder(x.h, x.w, x.c)
  const name = graph.node('Reshape', [x.name, graph.int64s(`${scope}/shape`, [0, size])], {}, scope)
  return { kind: 'vector', name, size, order: isIdentity(order) ? undefined : order }
}

/**
 * A vector as a channels-first image [C, H, W] holding Keras's [H, W, C] reshape of it. Free when
 * the vector is already in channels-first order (a planned Dense); a Reshape + Transpose when it is
 * in Keras order; a Gather for any other order.
 */
function vectorToImage(graph: OnnxGraph, x: Vector, [h, w, c]: [number, number, number], scope: string): Image {
  const target = channelsFirstOrder(h, w, c)
  const out = { kind: 'image' as const, c, h, w }
  if (x.order === undefined && !isIdentity(target)) {
    const nhwc = graph.node('Reshape', [x.name, graph.int64s(`${scope}/shape`, [0, h, w, c])], {}, scope)
    return { ...out, name: graph.node('Transpose', [nhwc], { perm: [0, 3, 1, 2] }, scope) }
  }
  const physicalOf = x.order === undefined ? undefined : invert(x.order)
  const indices = physicalOf === undefined ? target : target.map((logical) => physicalOf[logical]!)
  const source = isIdentity(indices)
    ? x.name
    : graph.node('Gather', [x.name, graph.int64s(`${scope}/indices`, indices)], { axis: 1 }, scope)
  return { ...out, name: graph.node('Reshape', [source, graph.int64s(`${scope}/shape`, [0, c, h, w])], {}, scope) }
}

/** Keras Reshape target resolved against `size` values. One dimension may be inferred: -1, which TF.js saves as null. */
function reshapeTarget(layer: LayerSpec, size: number): number[] {
  const raw = layer.config['target_shape']
  const inferred = (d: unknown) => d === null || d === -1
  if (!Array.isArray(raw) || !raw.every((d) => inferred(d) || (Number.isInteger(d) && d > 0)) || raw.filter(inferred).length > 1) {
    unsupported(layer, `has target_shape ${JSON.stringify(raw)}`, 'expected positive integers with at most one -1')
  }
  const known = (raw as number[]).reduce((a, d) => (inferred(d) ? a : a * d), 1)
  const target = (raw as number[]).map((d) => (inferred(d) ? size / known : d))
  if (target.reduce((a, b) => a * b, 1) !== size || !target.every(Number.isInteger)) {
    throw new ExportError('ERR_INPUT', `Reshape layer "${layer.name}" cannot reshape ${size} values to ${JSON.stringify(raw)}.`)
  }
  if (target.length !== 1 && target.length !== 3)
    unsupported(layer, `reshapes to ${JSON.stringify(target)}`, 'only [features] or [H, W, C] convert')
  return target
}

/** Layers that act on each vector feature independently, so the features' order does not matter to them. */
const ORDER_AGNOSTIC = new Set([
  'BatchNormalization',
  'LeakyReLU',
  'ReLU',
  'ELU',
  'ThresholdedReLU',
  'Activation',
  'Dropout',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
])

/**
 * The feature order a Dense layer should produce: channels-first when the chain reshapes its output
 * to an image (through order-agnostic layers only), so that Reshape needs no Transpose.
 */
export function plannedOrder(units: number, following: readonly LayerSpec[]): Order | undefined {
  for (const next of following) {
    if (next.className === 'Reshape') {
      const target = reshapeTarget(next, units)
      if (target.length !== 3) return undefined
      const order = channelsFirstOrder(target[0]!, target[1]!, target[2]!)
      return isIdentity(order) ? undefined : order
    }
    if (!ORDER_AGNOSTIC.has(next.className)) return undefined
  }
  return undefined
}

export const reshape: Converter = unary((layer, input, { graph }) => {
  const x = values(layer, input)
  const v = x.kind === 'image' ? imageToVector(graph, x, layer.name) : flat(x)
  const target = reshapeTarget(layer, v.size)
  return target.length === 1 ? v : vectorToImage(graph, v, target as [number, number, number], layer.name)
})

export const flatten: Converter = unary((layer, input, { graph }) => {
  oneOf(layer, 'data_format', ['channels_last'], 'channels_last')
  const x = values(layer, input)
  return x.kind === 'image' ? imageToVector(graph, x, layer.name) : flat(x)
})

/** GlobalAveragePooling2D: each channel's mean over the image, a vector in channel order (ReduceMean over H and W). */
export const globalAveragePooling2d: Converter = unary((layer, input, { graph }) => {
  const x = image(layer, input)
  if (layer.config['keepdims'] === true) unsupported(layer, 'keeps its spatial dimensions (keepdims)', 'only keepdims false converts')
  const name = graph.node('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 }, layer.name)
  return { kind: 'vector', name, size: x.c, order: undefined }
})

/** A vector as Keras `[size]`: an Embedding's `[1, size]` loses its step, free (the tensor is `[batch, size]` already). */
function flat({ singleStep: _, ...v }: Vector): Vector {
  return v
}
