import type { Flow } from './flow.js'
import { unsupported } from '../read/layer-config.js'
import type { OnnxGraph } from './onnx-graph.js'
import type { LayerSpec } from '../read/topology.js'

/** Activation names (as TF.js serialises them) that convert. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hard_sigmoid',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'softmax',
] as const

/**
 * Apply a Keras activation (a layer's `activation` config or an Activation layer) to `x`.
 * All are elementwise except softmax, which runs over the features/channels: axis 1 both for
 * vectors and for channels-first images, and indifferent to the order of vector features.
 */
export function applyActivation(graph: OnnxGraph, x: Flow, activation: unknown, layer: LayerSpec): Flow {
  const scope = layer.name
  const op = (type: string, inputs: string[], attrs: Parameters<OnnxGraph['node']>[2] = {}) => graph.node(type, inputs, attrs, scope)
  const scalar = (hint: string, v: number) => graph.floats(`${scope}/${hint}`, [], Float32Array.of(v))
  const v = x.name
  let y: string
  switch (activation ?? 'linear') {
    case 'linear':
      return x
    case 'relu':
      y = op('Relu', [v])
      break
    case 'relu6':
      y = op('Clip', [v, scalar('zero', 0), scalar('six', 6)])
      break
    case 'elu':
      y = op('Elu', [v], { alpha: { float: 1 } })
      break
    case 'selu':
      // TF's constants; ONNX's defaults are the same numbers rounded differently, so write them.
      y = op('Selu', [v], { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } })
      break
    case 'sigmoid':
      y = op('Sigmoid', [v])
      break
    case 'hard_sigmoid':
      // TF.js: clip(0.2·x + 0.5, 0, 1), which is ONNX's default too; written out for clarity.
      y = op('HardSigmoid', [v], { alpha: { float: 0.2 }, beta: { float: 0.5 } })
      break
    case 'softplus':
      y = op('Softplus', [v])
      break
    case 'softsign':
      y = op('Softsign', [v])
      break
    case 'tanh':
      y = op('Tanh', [v])
      break
    case 'swish':
      y = op('Mul', [v, op('Sigmoid', [v])])
      break
    case 'mish':
      y = op('Mul', [v, op('Tanh', [op('Softplus', [v])])])
      break
    case 'gelu':
      // x · Φ(x) = 0.5 · x · (1 + erf(x / √2)); ONNX's Gelu op needs opset 20.
      y = op('Mul', [
        op('Mul', [v, op('Add', [op('Erf', [op('Div', [v, scalar('sqrt2', Math.SQRT2)])]), scalar('one', 1)])]),
        scalar('half', 0.5),
      ])
      break
    case 'softmax':
      y = op('Softmax', [v], { axis: 1 })
      break
    default:
      unsupported(layer, `uses activation ${JSON.stringify(activation)}`, `supported activations: ${ACTIVATIONS.join(', ')}`)
  }
  return { ...x, name: y }
}
