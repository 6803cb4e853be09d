import { unsupported } from '../read/layer-config.js'
import { image, unary, values, type Converter } from './converter.js'

/**
 * `FeatureInput` (the trainer's feature judge, `--pretrained-features`): images in [−1, 1] to RGB
 * in [0, 1], (x + 1) / 2 as TF.js computes it; RGBA composited over white by its alpha
 * (rgb · α + 1 − α), grey repeated to three channels.
 */
export const featureInput: Converter = unary((layer, input, { graph }) => {
  const x = image(layer, input)
  if (x.c !== 1 && x.c !== 3 && x.c !== 4) unsupported(layer, `gets ${x.c} channels`, 'it takes 1, 3 or 4')
  const scalar = (hint: string, value: number) => graph.floats(`${layer.name}/${hint}`, [], Float32Array.of(value))
  const one = scalar('one', 1)
  const unit = graph.node('Div', [graph.node('Add', [x.name, one], {}, layer.name), scalar('two', 2)], {}, layer.name)
  const rgb = (name: string) => ({ ...x, c: 3, name })
  if (x.c === 3) return rgb(unit)
  if (x.c === 1) return rgb(graph.node('Concat', [unit, unit, unit], { axis: 1 }, layer.name))
  const channels = (from: number, to: number) =>
    graph.node(
      'Slice',
      [
        unit,
        graph.int64s(`${layer.name}/starts`, [from]),
        graph.int64s(`${layer.name}/ends`, [to]),
        graph.int64s(`${layer.name}/axes`, [1]),
      ],
      {},
      layer.name,
    )
  const alpha = channels(3, 4)
  const covered = graph.node('Mul', [channels(0, 3), alpha], {}, layer.name)
  return rgb(graph.node('Add', [covered, graph.node('Sub', [one, alpha], {}, layer.name)], {}, layer.name))
})

/** `Gain` (the feature judge's say in the discriminator's logit): its input times the layer's scalar weight `gain`. */
export const gain: Converter = unary((layer, input, { graph, weight }) => {
  const x = values(layer, input)
  return { ...x, name: graph.node('Mul', [x.name, graph.floats(`${layer.name}/gain`, [], weight('gain', []))], {}, layer.name) }
})
