import { ExportError } from '../errors.js'
import { finite, positiveInt, unsupported } from '../read/layer-config.js'
import { applyActivation } from './activations.js'
import { perFeature, unary, values, vector, type Converter } from './converter.js'
import type { Flow } from './flow.js'
import { plannedOrder } from './reshape-layers.js'
import { gather, gatherCols, gatherRows } from './tensor-layout.js'

export const dense: Converter = unary((layer, input, { graph, weight, following }) => {
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
  const y: Flow = { ...x, name: graph.node('Gemm', inputs, {}, layer.name), size: units, order }
  return applyActivation(graph, y, layer.config['activation'], layer)
})

export const batchNormalization: Converter = unary((layer, input, { graph, weight }) => {
  const x = values(layer, input)
  const axis =
    Array.isArray(layer.config['axis']) && layer.config['axis'].length === 1 ? layer.config['axis'][0] : (layer.config['axis'] ?? -1)
  const rank = x.kind === 'vector' ? (x.singleStep ? 3 : 2) : 4
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
  const epsilon = finite(layer, 'epsilon', 1e-3)
  const variance = param('moving_variance', 1, true)
  const negative = variance.findIndex((v) => !(v + epsilon > 0))
  if (negative >= 0) {
    throw new ExportError(
      'ERR_INVALID_WEIGHTS',
      `BatchNormalization layer "${layer.name}" has a moving variance of ${variance[negative]} with epsilon ${epsilon}: the square root of a non-positive number. Its statistics are broken; retrain or restore a checkpoint.`,
    )
  }
  const inputs = [
    x.name,
    graph.floats(`${layer.name}/gamma`, [n], param('gamma', 1, layer.config['scale'] !== false)),
    graph.floats(`${layer.name}/beta`, [n], param('beta', 0, layer.config['center'] !== false)),
    graph.floats(`${layer.name}/moving_mean`, [n], param('moving_mean', 0, true)),
    graph.floats(`${layer.name}/moving_variance`, [n], variance),
  ]
  // TF.js defaults epsilon to 1e-3, ONNX to 1e-5: always write the model's own value.
  return { ...x, name: graph.node('BatchNormalization', inputs, { epsilon: { float: epsilon } }, layer.name) }
})

export const leakyRelu: Converter = unary((layer, input, { graph }) => {
  const x = values(layer, input)
  // TF.js defaults alpha to 0.3, ONNX to 0.01: always write the model's own value. Keras 3 calls it negative_slope.
  const alpha = finite(
    layer,
    layer.config['alpha'] === undefined && layer.config['negative_slope'] !== undefined ? 'negative_slope' : 'alpha',
    0.3,
  )
  return { ...x, name: graph.node('LeakyRelu', [x.name], { alpha: { float: alpha } }, layer.name) }
})

export const relu: Converter = unary((layer, input, { graph }) => {
  const x = values(layer, input)
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
})

export const elu: Converter = unary((layer, input, { graph }) => {
  const x = values(layer, input)
  return { ...x, name: graph.node('Elu', [x.name], { alpha: { float: finite(layer, 'alpha', 1) } }, layer.name) }
})

export const thresholdedRelu: Converter = unary((layer, input, { graph }) => {
  const x = values(layer, input)
  return { ...x, name: graph.node('ThresholdedRelu', [x.name], { alpha: { float: finite(layer, 'theta', 1) } }, layer.name) }
})

export const activation: Converter = unary((layer, x, { graph }) =>
  applyActivation(graph, values(layer, x), layer.config['activation'], layer),
)

/** Layers that are the identity at inference (InputLayer, regularisers). */
export const identity: Converter = unary((_layer, x) => x)
