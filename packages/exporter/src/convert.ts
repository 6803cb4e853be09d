import { ExportError } from './errors.js'
import type { LayerSpec, LayersModelData } from './layers-model.js'
import { OnnxGraph } from './onnx-graph.js'

/**
 * The tensor flowing between layers, without its batch dimension. Images run NCHW inside the ONNX
 * graph (ONNX convs are channels-first) while Keras semantics are NHWC, so Reshape/Flatten and the
 * graph output transpose back where the order of elements matters.
 */
interface Flow {
  name: string
  /** `flat`: [features]; `nchw`: [C, H, W]. */
  layout: 'flat' | 'nchw'
  shape: number[]
}

interface Ctx {
  graph: OnnxGraph
  weight(layer: LayerSpec, key: string): { shape: number[]; data: Float32Array }
}

type Converter = (layer: LayerSpec, flow: Flow, ctx: Ctx) => Flow

/** The converted graph: ONNX nodes plus the shapes of its input and (NHWC) output. */
export interface ConvertedGraph {
  graph: OnnxGraph
  latentSize: number
  output: { name: string; dims: [number, number, number] }
  /** The last activation, used to infer the output range when the run does not declare it. */
  finalActivation: string | undefined
}

export const INPUT_NAME = 'latent'

/** Layers that move values around without changing them. */
const SHAPE_ONLY = new Set(['InputLayer', 'Dropout', 'Reshape', 'Flatten', 'UpSampling2D'])

/** Convert a generator's layer chain into an ONNX graph with input `latent` [batch, z]. */
export function convertLayers(model: LayersModelData): ConvertedGraph {
  const graph = new OnnxGraph()
  const first = model.layers[0]
  const inputShape = (first?.config['batch_input_shape'] ?? first?.config['batchInputShape']) as Array<number | null> | undefined
  if (inputShape === undefined || inputShape.length !== 2 || typeof inputShape[1] !== 'number') {
    throw new ExportError('ERR_EXPORT_INPUT', `the model's input shape is ${JSON.stringify(inputShape)}; a generator takes a latent vector [batch, z].`)
  }
  const ctx: Ctx = {
    graph,
    weight(layer, key) {
      const w = model.weights.get(`${layer.name}/${key}`)
      if (w === undefined) throw new ExportError('ERR_EXPORT_INPUT', `weight ${layer.name}/${key} of ${layer.className} layer "${layer.name}" is missing from the weights manifest.`)
      return w
    },
  }
  let flow: Flow = { name: INPUT_NAME, layout: 'flat', shape: [inputShape[1]] }
  let finalActivation: string | undefined
  for (const layer of model.layers) {
    const convert = CONVERTERS[layer.className]
    if (convert === undefined) {
      throw new ExportError(
        'ERR_UNSUPPORTED_LAYER',
        `layer "${layer.name}" is a ${layer.className}, which has no ONNX conversion. Supported layers: ${SUPPORTED_LAYERS.join(', ')}.`,
      )
    }
    flow = convert(layer, flow, ctx)
    if (!SHAPE_ONLY.has(layer.className)) {
      finalActivation = 'activation' in layer.config ? String(layer.config['activation'] ?? 'linear') : layer.className
    }
  }
  if (flow.layout !== 'nchw') {
    throw new ExportError('ERR_EXPORT_INPUT', `the model ends in a ${flow.shape.length}-d feature vector, not an image; a generator must end in [H, W, C].`)
  }
  const [c, h, w] = flow.shape as [number, number, number]
  const nhwc = graph.node('Transpose', [flow.name], { perm: [0, 2, 3, 1] }, 'to_nhwc')
  return { graph, latentSize: inputShape[1], output: { name: nhwc, dims: [h, w, c] }, finalActivation }
}

function activation(graph: OnnxGraph, input: string, name: unknown, layer: LayerSpec): string {
  switch (name ?? 'linear') {
    case 'linear':
      return input
    case 'relu':
      return graph.node('Relu', [input])
    case 'relu6':
      return graph.node('Clip', [input, graph.constant('zero', [], Float32Array.of(0)), graph.constant('six', [], Float32Array.of(6))])
    case 'tanh':
      return graph.node('Tanh', [input])
    case 'sigmoid':
      return graph.node('Sigmoid', [input])
    case 'elu':
      return graph.node('Elu', [input], { alpha: { float: 1 } })
    case 'selu':
      return graph.node('Selu', [input])
    case 'softplus':
      return graph.node('Softplus', [input])
    default:
      throw new ExportError('ERR_UNSUPPORTED_CONFIG', `activation "${String(name)}" of layer "${layer.name}" has no conversion. Supported: ${ACTIVATIONS.join(', ')}.`)
  }
}
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'tanh', 'sigmoid', 'elu', 'selu', 'softplus']

function requireImage(layer: LayerSpec, flow: Flow): [number, number, number] {
  if (flow.layout !== 'nchw') throw new ExportError('ERR_UNSUPPORTED_CONFIG', `${layer.className} layer "${layer.name}" needs an image input [H, W, C]; it gets [${flow.shape.join(', ')}]. Add a Reshape before it.`)
  if ((layer.config['data_format'] ?? 'channels_last') !== 'channels_last') {
    throw new ExportError('ERR_UNSUPPORTED_CONFIG', `${layer.className} layer "${layer.name}" uses data_format ${String(layer.config['data_format'])}; only channels_last converts.`)
  }
  return flow.shape as [number, number, number]
}

function pair(v: unknown): [number, number] {
  return Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]
}

function noDilation(layer: LayerSpec): void {
  const [dh, dw] = pair(layer.config['dilation_rate'] ?? 1)
  if (dh !== 1 || dw !== 1) throw new ExportError('ERR_UNSUPPORTED_CONFIG', `${layer.className} layer "${layer.name}" has dilation_rate ${dh}×${dw}; only 1 converts.`)
}

/** Permute a row-major tensor of `shape` by `perm` (weights only: small, done once). */
function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!)
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1))
  const out = new Float32Array(data.length)
  const idx = new Array<number>(shape.length).fill(0)
  for (let o = 0; o < out.length; o++) {
    let src = 0
    for (let d = 0; d < perm.length; d++) src += idx[d]! * strides[perm[d]!]!
    out[o] = data[src]!
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break
      idx[d] = 0
    }
  }
  return out
}

/** TF 'same' padding for a forward conv: total max((ceil(n/s) − 1)·s + k − n, 0), the odd pixel at the end. */
function samePads(n: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0)
  return [Math.floor(total / 2), total - Math.floor(total / 2)]
}

const dense: Converter = (layer, flow, { graph, weight }) => {
  if (flow.layout !== 'flat') throw new ExportError('ERR_UNSUPPORTED_CONFIG', `Dense layer "${layer.name}" on an image input is not supported; add a Flatten before it.`)
  const kernel = weight(layer, 'kernel')
  const units = kernel.shape[1]!
  const inputs = [flow.name, graph.constant(`${layer.name}_kernel`, kernel.shape, kernel.data)]
  if (layer.config['use_bias'] !== false) {
    const bias = weight(layer, 'bias')
    inputs.push(graph.constant(`${layer.name}_bias`, bias.shape, bias.data))
  }
  const out = graph.node('Gemm', inputs, {}, layer.name)
  return { name: activation(graph, out, layer.config['activation'], layer), layout: 'flat', shape: [units] }
}

const batchNorm: Converter = (layer, flow, { graph, weight }) => {
  const axis = layer.config['axis']
  const axes = Array.isArray(axis) ? axis : [axis ?? -1]
  const rank = flow.shape.length + 1
  if (axes.length !== 1 || ((Number(axes[0]) + rank) % rank) !== rank - 1) {
    throw new ExportError('ERR_UNSUPPORTED_CONFIG', `BatchNormalization layer "${layer.name}" normalises axis ${JSON.stringify(axis)}; only the channel (last) axis converts.`)
  }
  const channels = flow.layout === 'nchw' ? flow.shape[0]! : flow.shape[0]!
  const ones = new Float32Array(channels).fill(1)
  const zeros = new Float32Array(channels)
  const scale = layer.config['scale'] === false ? ones : weight(layer, 'gamma').data
  const bias = layer.config['center'] === false ? zeros : weight(layer, 'beta').data
  const out = graph.node(
    'BatchNormalization',
    [
      flow.name,
      graph.constant(`${layer.name}_gamma`, [channels], scale),
      graph.constant(`${layer.name}_beta`, [channels], bias),
      graph.constant(`${layer.name}_mean`, [channels], weight(layer, 'moving_mean').data),
      graph.constant(`${layer.name}_var`, [channels], weight(layer, 'moving_variance').data),
    ],
    // TF.js defaults to epsilon 1e-3, ONNX to 1e-5: always write the model's own value.
    { epsilon: { float: Number(layer.config['epsilon'] ?? 1e-3) } },
    layer.name,
  )
  return { ...flow, name: out }
}

const leakyRelu: Converter = (layer, flow, { graph }) => ({
  ...flow,
  // TF.js defaults alpha to 0.3, ONNX to 0.01: always write the model's own value.
  name: graph.node('LeakyRelu', [flow.name], { alpha: { float: Number(layer.config['alpha'] ?? 0.3) } }, layer.name),
})

const relu: Converter = (layer, flow, { graph }) => {
  const max = layer.config['max_value']
  if (max === null || max === undefined) return { ...flow, name: graph.node('Relu', [flow.name], {}, layer.name) }
  return { ...flow, name: graph.node('Clip', [flow.name, graph.constant('zero', [], Float32Array.of(0)), graph.constant('max', [], Float32Array.of(Number(max)))], {}, layer.name) }
}

const activationLayer: Converter = (layer, flow, { graph }) => ({ ...flow, name: activation(graph, flow.name, layer.config['activation'], layer) })

const reshape: Converter = (layer, flow, { graph }) => {
  const target = (layer.config['target_shape'] as number[]).map(Number)
  const source = flow.layout === 'nchw' ? graph.node('Transpose', [flow.name], { perm: [0, 2, 3, 1] }, 'to_nhwc') : flow.name
  // 0 copies the (dynamic) batch dimension.
  const reshaped = graph.node('Reshape', [source, graph.int64Constant('shape', [0, ...target])], {}, layer.name)
  if (target.length === 1) return { name: reshaped, layout: 'flat', shape: target }
  if (target.length !== 3) throw new ExportError('ERR_UNSUPPORTED_CONFIG', `Reshape layer "${layer.name}" targets ${JSON.stringify(target)}; only [features] or [H, W, C] convert.`)
  const [h, w, c] = target as [number, number, number]
  return { name: graph.node('Transpose', [reshaped], { perm: [0, 3, 1, 2] }, 'to_nchw'), layout: 'nchw', shape: [c, h, w] }
}

const flatten: Converter = (layer, flow, { graph }) => {
  if (flow.layout === 'flat') return flow
  const nhwc = graph.node('Transpose', [flow.name], { perm: [0, 2, 3, 1] }, 'to_nhwc')
  const size = flow.shape.reduce((a, b) => a * b, 1)
  return { name: graph.node('Reshape', [nhwc, graph.int64Constant('shape', [0, size])], {}, layer.name), layout: 'flat', shape: [size] }
}

const conv2d: Converter = (layer, flow, { graph, weight }) => {
  const [, h, w] = requireImage(layer, flow)
  noDilation(layer)
  const kernel = weight(layer, 'kernel') // [kh, kw, in, out]
  const [kh, kw, , out] = kernel.shape as [number, number, number, number]
  const [sh, sw] = pair(layer.config['strides'] ?? 1)
  const padding = layer.config['padding'] ?? 'valid'
  const [pt, pb] = padding === 'same' ? samePads(h, kh, sh) : [0, 0]
  const [pl, pr] = padding === 'same' ? samePads(w, kw, sw) : [0, 0]
  if (padding !== 'same' && padding !== 'valid') throw new ExportError('ERR_UNSUPPORTED_CONFIG', `Conv2D layer "${layer.name}" has padding ${String(padding)}; only same and valid convert.`)
  const inputs = [flow.name, graph.constant(`${layer.name}_kernel`, [out, kernel.shape[2]!, kh, kw], permute(kernel.data, kernel.shape, [3, 2, 0, 1]))]
  if (layer.config['use_bias'] !== false) inputs.push(graph.constant(`${layer.name}_bias`, [out], weight(layer, 'bias').data))
  const y = graph.node('Conv', inputs, { kernel_shape: [kh, kw], strides: [sh, sw], pads: [pt, pl, pb, pr] }, layer.name)
  const oh = padding === 'same' ? Math.ceil(h / sh) : Math.floor((h - kh) / sh) + 1
  const ow = padding === 'same' ? Math.ceil(w / sw) : Math.floor((w - kw) / sw) + 1
  return { name: activation(graph, y, layer.config['activation'], layer), layout: 'nchw', shape: [out, oh, ow] }
}

/**
 * TF's transposed conv is the gradient of a forward conv whose output is this layer's input. Its
 * size is n·s ('same') or n·s + max(k − s, 0) ('valid'); ONNX's is s·(n−1) + k + output_padding −
 * pads. Explicit pads (the forward conv's, odd pixel at the end) and output_padding (when k < s)
 * reproduce TF exactly; auto_pad/output_shape are avoided, as runtimes disagree on them.
 */
function transposeGeometry(n: number, k: number, s: number, padding: string): { out: number; pads: [number, number]; outputPadding: number } {
  const out = padding === 'same' ? n * s : n * s + Math.max(k - s, 0)
  const natural = s * (n - 1) + k
  const outputPadding = Math.max(0, out - natural)
  const total = natural + outputPadding - out
  return { out, pads: [Math.floor(total / 2), total - Math.floor(total / 2)], outputPadding }
}

const conv2dTranspose: Converter = (layer, flow, { graph, weight }) => {
  const [, h, w] = requireImage(layer, flow)
  noDilation(layer)
  const padding = String(layer.config['padding'] ?? 'valid')
  if (padding !== 'same' && padding !== 'valid') throw new ExportError('ERR_UNSUPPORTED_CONFIG', `Conv2DTranspose layer "${layer.name}" has padding ${padding}; only same and valid convert.`)
  const kernel = weight(layer, 'kernel') // [kh, kw, out, in]
  const [kh, kw, out, inC] = kernel.shape as [number, number, number, number]
  const [sh, sw] = pair(layer.config['strides'] ?? 1)
  const gh = transposeGeometry(h, kh, sh, padding)
  const gw = transposeGeometry(w, kw, sw, padding)
  const inputs = [flow.name, graph.constant(`${layer.name}_kernel`, [inC, out, kh, kw], permute(kernel.data, kernel.shape, [3, 2, 0, 1]))]
  if (layer.config['use_bias'] !== false) inputs.push(graph.constant(`${layer.name}_bias`, [out], weight(layer, 'bias').data))
  const attrs: Record<string, number[]> = { kernel_shape: [kh, kw], strides: [sh, sw], pads: [gh.pads[0], gw.pads[0], gh.pads[1], gw.pads[1]] }
  if (gh.outputPadding > 0 || gw.outputPadding > 0) attrs['output_padding'] = [gh.outputPadding, gw.outputPadding]
  const y = graph.node('ConvTranspose', inputs, attrs, layer.name)
  return { name: activation(graph, y, layer.config['activation'], layer), layout: 'nchw', shape: [out, gh.out, gw.out] }
}

const upSampling2d: Converter = (layer, flow, { graph }) => {
  const [c, h, w] = requireImage(layer, flow)
  const [sh, sw] = pair(layer.config['size'] ?? 2)
  if ((layer.config['interpolation'] ?? 'nearest') !== 'nearest') {
    throw new ExportError('ERR_UNSUPPORTED_CONFIG', `UpSampling2D layer "${layer.name}" uses ${String(layer.config['interpolation'])} interpolation; only nearest converts.`)
  }
  const scales = graph.constant('scales', [4], Float32Array.of(1, 1, sh, sw))
  // Nearest upsampling by an integer factor repeats pixels: asymmetric coordinates + floor.
  const y = graph.node('Resize', [flow.name, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, layer.name)
  return { name: y, layout: 'nchw', shape: [c, h * sh, w * sw] }
}

const identity: Converter = (_layer, flow) => flow

const CONVERTERS: Record<string, Converter> = {
  InputLayer: identity,
  Dense: dense,
  BatchNormalization: batchNorm,
  LeakyReLU: leakyRelu,
  ReLU: relu,
  Activation: activationLayer,
  Reshape: reshape,
  Flatten: flatten,
  Conv2D: conv2d,
  Conv2DTranspose: conv2dTranspose,
  UpSampling2D: upSampling2d,
  Dropout: identity,
}

export const SUPPORTED_LAYERS = Object.keys(CONVERTERS)
