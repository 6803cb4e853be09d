import { applyActivation } from './activations.js'
import { convAxis, convTransposeAxis, type Padding } from './conv-geometry.js'
import { ExportError } from '../errors.js'
import { shapeOf, type Flow } from './flow.js'
import { edges, finite, intPair, oneOf, positiveInt, unsupported } from '../read/layer-config.js'
import type { OnnxGraph } from './onnx-graph.js'
import { channelsFirstOrder, gather, gatherCols, gatherRows, invert, isIdentity, permuteAxes, type Order } from './tensor-layout.js'
import type { LayerSpec } from '../read/topology.js'

/** What a layer converter may use besides its input. */
export interface LayerContext {
  graph: OnnxGraph
  /** The layer's weight `key` (e.g. `kernel`), checked against the shape the config implies. */
  weight(key: string, shape: readonly number[]): Float32Array
  /** The layers after this one, for converters that pick a layout to suit what follows. */
  following: readonly LayerSpec[]
}

type Converter = (layer: LayerSpec, x: Flow, ctx: LayerContext) => Flow

type Image = Extract<Flow, { kind: 'image' }>
type Vector = Extract<Flow, { kind: 'vector' }>

function image(layer: LayerSpec, x: Flow): Image {
  if (x.kind !== 'image') unsupported(layer, `gets a vector input ${shapeOf(x)}`, 'it needs an image [H, W, C]; add a Reshape before it')
  oneOf(layer, 'data_format', ['channels_last'], 'channels_last')
  return x
}

function vector(layer: LayerSpec, x: Flow): Vector {
  if (x.kind !== 'vector') unsupported(layer, `gets an image input ${shapeOf(x)}`, 'only vector inputs convert; add a Flatten before it')
  return x
}

/** Reorder per-feature parameters to the physical order of a vector flow (images need none). */
function perFeature(x: Flow, values: Float32Array): Float32Array {
  return x.kind === 'vector' && x.order !== undefined ? gather(values, x.order) : values
}

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
function plannedOrder(units: number, following: readonly LayerSpec[]): Order | undefined {
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

const dense: Converter = (layer, input, { graph, weight, following }) => {
  const x = vector(layer, input)
  const units = positiveInt(layer, 'units')
  let kernel = weight('kernel', [x.size, units])
  // Rows follow the input's physical order; columns the order this layer's output is planned in.
  if (x.order !== undefined) kernel = gatherRows(kernel, units, x.order)
  const order = plannedOrder(units, following)
  if (order !== undefined) kernel = gatherCols(kernel, units, order)
  const inputs = [x.name, graph.floats(`${layer.name}/kernel`, [x.size, units], kernel)]
  if (layer.config['use_bias'] !== false) {
    const bias = weight('bias', [units])
    inputs.push(graph.floats(`${layer.name}/bias`, [units], order === undefined ? bias : gather(bias, order)))
  }
  const y: Flow = { kind: 'vector', name: graph.node('Gemm', inputs, {}, layer.name), size: units, order }
  return applyActivation(graph, y, layer.config['activation'], layer)
}

const batchNormalization: Converter = (layer, x, { graph, weight }) => {
  const axis =
    Array.isArray(layer.config['axis']) && layer.config['axis'].length === 1 ? layer.config['axis'][0] : (layer.config['axis'] ?? -1)
  const rank = x.kind === 'vector' ? 2 : 4
  if (!Number.isInteger(axis) || ((axis as number) + rank) % rank !== rank - 1) {
    unsupported(
      layer,
      `normalises axis ${JSON.stringify(layer.config['axis'])} of a rank-${rank} input`,
      'only the last (channel/feature) axis converts',
    )
  }
  const n = x.kind === 'vector' ? x.size : x.c
  const param = (key: string, fallback: number, present: boolean) =>
    perFeature(x, present ? weight(key, [n]) : new Float32Array(n).fill(fallback))
  const inputs = [
    x.name,
    graph.floats(`${layer.name}/gamma`, [n], param('gamma', 1, layer.config['scale'] !== false)),
    graph.floats(`${layer.name}/beta`, [n], param('beta', 0, layer.config['center'] !== false)),
    graph.floats(`${layer.name}/moving_mean`, [n], param('moving_mean', 0, true)),
    graph.floats(`${layer.name}/moving_variance`, [n], param('moving_variance', 1, true)),
  ]
  // TF.js defaults epsilon to 1e-3, ONNX to 1e-5: always write the model's own value.
  return { ...x, name: graph.node('BatchNormalization', inputs, { epsilon: { float: finite(layer, 'epsilon', 1e-3) } }, layer.name) }
}

const leakyRelu: Converter = (layer, x, { graph }) => {
  // TF.js defaults alpha to 0.3, ONNX to 0.01: always write the model's own value. Keras 3 calls it negative_slope.
  const alpha = finite(
    layer,
    layer.config['alpha'] === undefined && layer.config['negative_slope'] !== undefined ? 'negative_slope' : 'alpha',
    0.3,
  )
  return { ...x, name: graph.node('LeakyRelu', [x.name], { alpha: { float: alpha } }, layer.name) }
}

const relu: Converter = (layer, x, { graph }) => {
  for (const key of ['negative_slope', 'threshold']) {
    if ((layer.config[key] ?? 0) !== 0) unsupported(layer, `has ${key} ${JSON.stringify(layer.config[key])}`, `only ${key} 0 converts`)
  }
  const max = layer.config['max_value']
  if (max === null || max === undefined) return { ...x, name: graph.node('Relu', [x.name], {}, layer.name) }
  const bounds = [
    graph.floats(`${layer.name}/min`, [], Float32Array.of(0)),
    graph.floats(`${layer.name}/max`, [], Float32Array.of(finite(layer, 'max_value', 0))),
  ]
  return { ...x, name: graph.node('Clip', [x.name, ...bounds], {}, layer.name) }
}

const elu: Converter = (layer, x, { graph }) => ({
  ...x,
  name: graph.node('Elu', [x.name], { alpha: { float: finite(layer, 'alpha', 1) } }, layer.name),
})

const thresholdedRelu: Converter = (layer, x, { graph }) => ({
  ...x,
  name: graph.node('ThresholdedRelu', [x.name], { alpha: { float: finite(layer, 'theta', 1) } }, layer.name),
})

const activation: Converter = (layer, x, { graph }) => applyActivation(graph, x, layer.config['activation'], layer)

const identity: Converter = (_layer, x) => x

const reshape: Converter = (layer, x, { graph }) => {
  const v = x.kind === 'image' ? imageToVector(graph, x, layer.name) : x
  const target = reshapeTarget(layer, v.size)
  return target.length === 1 ? v : vectorToImage(graph, v, target as [number, number, number], layer.name)
}

const flatten: Converter = (layer, x, { graph }) => {
  oneOf(layer, 'data_format', ['channels_last'], 'channels_last')
  return x.kind === 'image' ? imageToVector(graph, x, layer.name) : x
}

/** Shared checks and geometry of Conv2D and Conv2DTranspose. */
function convSetup(layer: LayerSpec, input: Flow) {
  const x = image(layer, input)
  const [dh, dw] = intPair(layer, 'dilation_rate', 1)
  if (dh !== 1 || dw !== 1) unsupported(layer, `has dilation_rate [${dh}, ${dw}]`, 'only 1 converts')
  if ((layer.config['groups'] ?? 1) !== 1) unsupported(layer, `has groups ${JSON.stringify(layer.config['groups'])}`, 'only 1 converts')
  const [kh, kw] = intPair(layer, 'kernel_size', 1)
  const [sh, sw] = intPair(layer, 'strides', 1)
  if (kh < 1 || kw < 1 || sh < 1 || sw < 1)
    unsupported(layer, `has kernel_size [${kh}, ${kw}] and strides [${sh}, ${sw}]`, 'both must be positive')
  const padding = oneOf<Padding>(layer, 'padding', ['same', 'valid'], 'valid')
  return { x, filters: positiveInt(layer, 'filters'), kh, kw, sh, sw, padding }
}

const conv2d: Converter = (layer, input, { graph, weight }) => {
  const { x, filters, kh, kw, sh, sw, padding } = convSetup(layer, input)
  const gh = convAxis({ n: x.h, k: kh, s: sh }, padding)
  const gw = convAxis({ n: x.w, k: kw, s: sw }, padding)
  if (gh.out < 1 || gw.out < 1)
    throw new ExportError(
      'ERR_INPUT',
      `Conv2D layer "${layer.name}": its ${x.h}×${x.w} input is smaller than its ${kh}×${kw} kernel with valid padding.`,
    )
  // TF.js [kh, kw, in, out] → ONNX [out, in, kh, kw].
  const kernel = permuteAxes(weight('kernel', [kh, kw, x.c, filters]), [kh, kw, x.c, filters], [3, 2, 0, 1])
  const inputs = [x.name, graph.floats(`${layer.name}/kernel`, [filters, x.c, kh, kw], kernel)]
  if (layer.config['use_bias'] !== false) inputs.push(graph.floats(`${layer.name}/bias`, [filters], weight('bias', [filters])))
  const attrs = { kernel_shape: [kh, kw], strides: [sh, sw], pads: [gh.pads[0], gw.pads[0], gh.pads[1], gw.pads[1]] }
  const y: Flow = { kind: 'image', name: graph.node('Conv', inputs, attrs, layer.name), c: filters, h: gh.out, w: gw.out }
  return applyActivation(graph, y, layer.config['activation'], layer)
}

const conv2dTranspose: Converter = (layer, input, { graph, weight }) => {
  const { x, filters, kh, kw, sh, sw, padding } = convSetup(layer, input)
  const op = layer.config['output_padding']
  if (op !== undefined && op !== null)
    unsupported(layer, `has output_padding ${JSON.stringify(op)}`, 'only null (TF.js has no output_padding) converts')
  const gh = convTransposeAxis({ n: x.h, k: kh, s: sh }, padding)
  const gw = convTransposeAxis({ n: x.w, k: kw, s: sw }, padding)
  // TF.js [kh, kw, out, in] → ONNX ConvTranspose [in, out, kh, kw].
  const kernel = permuteAxes(weight('kernel', [kh, kw, filters, x.c]), [kh, kw, filters, x.c], [3, 2, 0, 1])
  const inputs = [x.name, graph.floats(`${layer.name}/kernel`, [x.c, filters, kh, kw], kernel)]
  if (layer.config['use_bias'] !== false) inputs.push(graph.floats(`${layer.name}/bias`, [filters], weight('bias', [filters])))
  const attrs: Record<string, number[]> = {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    pads: [gh.pads[0], gw.pads[0], gh.pads[1], gw.pads[1]],
  }
  if (gh.outputPadding > 0 || gw.outputPadding > 0) attrs['output_padding'] = [gh.outputPadding, gw.outputPadding]
  const y: Flow = { kind: 'image', name: graph.node('ConvTranspose', inputs, attrs, layer.name), c: filters, h: gh.out, w: gw.out }
  return applyActivation(graph, y, layer.config['activation'], layer)
}

const upSampling2d: Converter = (layer, input, { graph }) => {
  const x = image(layer, input)
  const [sh, sw] = intPair(layer, 'size', 2)
  if (sh < 1 || sw < 1) unsupported(layer, `has size [${sh}, ${sw}]`, 'both factors must be positive')
  const interpolation = oneOf(layer, 'interpolation', ['nearest', 'bilinear'], 'nearest')
  // TF.js resizes with align_corners = half_pixel_centers = false: ONNX's 'asymmetric' coordinates;
  // nearest then floors, i.e. repeats each pixel.
  const attrs: Record<string, string> =
    interpolation === 'nearest'
      ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
      : { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }
  const scales = graph.floats(`${layer.name}/scales`, [4], Float32Array.of(1, 1, sh, sw))
  return { ...x, name: graph.node('Resize', [x.name, '', scales], attrs, layer.name), h: x.h * sh, w: x.w * sw }
}

const zeroPadding2d: Converter = (layer, input, { graph }) => {
  const x = image(layer, input)
  const { top, bottom, left, right } = edges(layer, 'padding')
  const pads = graph.int64s(`${layer.name}/pads`, [0, 0, top, left, 0, 0, bottom, right])
  return { ...x, name: graph.node('Pad', [x.name, pads], {}, layer.name), h: x.h + top + bottom, w: x.w + left + right }
}

const cropping2d: Converter = (layer, input, { graph }) => {
  const x = image(layer, input)
  const { top, bottom, left, right } = edges(layer, 'cropping')
  const h = x.h - top - bottom
  const w = x.w - left - right
  if (h < 1 || w < 1) throw new ExportError('ERR_INPUT', `Cropping2D layer "${layer.name}" crops its ${x.h}×${x.w} input to nothing.`)
  const starts = graph.int64s(`${layer.name}/starts`, [top, left])
  const ends = graph.int64s(`${layer.name}/ends`, [top + h, left + w])
  const axes = graph.int64s(`${layer.name}/axes`, [2, 3])
  return { ...x, name: graph.node('Slice', [x.name, starts, ends, axes], {}, layer.name), h, w }
}

const CONVERTERS: Record<string, Converter> = {
  InputLayer: identity,
  Dense: dense,
  BatchNormalization: batchNormalization,
  LeakyReLU: leakyRelu,
  ReLU: relu,
  ELU: elu,
  ThresholdedReLU: thresholdedRelu,
  Activation: activation,
  Reshape: reshape,
  Flatten: flatten,
  Conv2D: conv2d,
  Conv2DTranspose: conv2dTranspose,
  UpSampling2D: upSampling2d,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  // Regularisers that are the identity at inference.
  Dropout: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
}

/** Keras layer classes that convert. */
export const SUPPORTED_LAYERS: readonly string[] = Object.keys(CONVERTERS)

export function converterFor(layer: LayerSpec): Converter {
  const convert = CONVERTERS[layer.className]
  if (convert === undefined) {
    throw new ExportError(
      'ERR_UNSUPPORTED_LAYER',
      `layer "${layer.name}" is a ${layer.className}, which has no ONNX conversion. Supported layers: ${SUPPORTED_LAYERS.join(', ')}.`,
    )
  }
  return convert
}
