import { positiveInt, unsupported } from '../read/layer-config.js'
import { unary, type Converter } from './converter.js'
import { shapeOf } from './flow.js'

/**
 * Embedding of a conditional model's class index: row `label` of its table, a Gather on the int64
 * `label` input (an out-of-range index is an ONNX Runtime error, as TF.js's gather is). Keras gives
 * `[1, output_dim]` for the `[1]` label; the ONNX tensor is `[batch, output_dim]`.
 */
export const embedding: Converter = unary((layer, x, { graph, weight }) => {
  if (x.kind !== 'label')
    unsupported(layer, `embeds ${shapeOf(x)}`, "only the model's class-index input [1] converts (the label of a conditional model)")
  const classes = positiveInt(layer, 'input_dim')
  const size = positiveInt(layer, 'output_dim')
  const table = graph.floats(`${layer.name}/embeddings`, [classes, size], weight('embeddings', [classes, size]))
  return { kind: 'vector', name: graph.node('Gather', [table, x.name], { axis: 0 }, layer.name), size, order: undefined, singleStep: true }
})
