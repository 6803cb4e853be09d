import { ExportError } from '../errors.js'
import { edges, intPair, oneOf, positiveInt, unsupported } from '../read/layer-config.js'
import type { LayerSpec } from '../read/topology.js'
import { applyActivation } from './activations.js'
import { convAxis, convTransposeAxis, type Padding } from './conv-geometry.js'
import { image, unary, type Converter, type LayerContext } from './converter.js'
import type { Flow } from './flow.js'
import { permuteAxes } from './tensor-layout.js'

/** Shared checks and geometry of Conv2D, DepthwiseConv2D and Conv2DTranspose. */
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
  return { x, kh, kw, sh, sw, padding }
}

/**
 * An ONNX Conv of `filters` output channels in `group` groups, with the layer's bias and activation.
 * `kernel` is ONNX's [filters, in / group, kh, kw].
 */
function convolve(
  layer: LayerSpec,
  setup: ReturnType<typeof convSetup>,
  ctx: LayerContext,
  kernel: Float32Array,
  filters: number,
  group: number,
): Flow {
  const { x, kh, kw, sh, sw, padding } = setup
  const { graph, weight } = ctx
  const gh = convAxis({ n: x.h, k: kh, s: sh }, padding)
  const gw = convAxis({ n: x.w, k: kw, s: sw }, padding)
  if (gh.out < 1 || gw.out < 1)
    throw new ExportError(
      'ERR_INPUT',
      `${layer.className} layer "${layer.name}": its ${x.h}×${x.w} input is smaller than its ${kh}×${kw} kernel with valid padding.`,
    )
  const inputs = [x.name, graph.floats(`${layer.name}/kernel`, [filters, x.c / group, kh, kw], kernel)]
  if (layer.config['use_bias'] !== false) inputs.push(graph.floats(`${layer.name}/bias`, [filters], weight('bias', [filters])))
  const attrs = {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    pads: [gh.pads[0], gw.pads[0], gh.pads[1], gw.pads[1]],
    ...(group > 1 && { group }),
  }
  const y: Flow = { kind: 'image', name: graph.node('Conv', inputs, attrs, layer.name), c: filters, h: gh.out, w: gw.out }
  return applyActivation(graph, y, layer.config['activation'], layer)
}

export const conv2d: Converter = unary((layer, input, ctx) => {
  const setup = convSetup(layer, input)
  const { x, kh, kw } = setup
  const filters = positiveInt(layer, 'filters')
  // TF.js [kh, kw, in, out] → ONNX [out, in, kh, kw].
  const kernel = permuteAxes(ctx.weight('kernel', [kh, kw, x.c, filters]), [kh, kw, x.c, filters], [3, 2, 0, 1])
  return convolve(layer, setup, ctx, kernel, filters, 1)
})

/**
 * DepthwiseConv2D (MobileNet's; the trainer's `--pretrained-features`): each input channel convolved
 * on its own by `depth_multiplier` kernels, an ONNX Conv with one group per input channel. Output
 * channel c·m + j is input channel c's j-th kernel, in TF.js as in ONNX.
 */
export const depthwiseConv2d: Converter = unary((layer, input, ctx) => {
  const setup = convSetup(layer, input)
  const { x, kh, kw } = setup
  const multiplier = layer.config['depth_multiplier'] === undefined ? 1 : positiveInt(layer, 'depth_multiplier')
  // TF.js [kh, kw, in, multiplier] → ONNX [in · multiplier, 1, kh, kw].
  const shape = [kh, kw, x.c, multiplier]
  const kernel = permuteAxes(ctx.weight('depthwise_kernel', shape), shape, [2, 3, 0, 1])
  return convolve(layer, setup, ctx, kernel, x.c * multiplier, x.c)
})

export const conv2dTranspose: Converter = unary((layer, input, { graph, weight }) => {
  const { x, kh, kw, sh, sw, padding } = convSetup(layer, input)
  const filters = positiveInt(layer, 'filters')
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
})

export const upSampling2d: Converter = unary((layer, input, { graph }) => {
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
})

export const zeroPadding2d: Converter = unary((layer, input, { graph }) => {
  const x = image(layer, input)
  const { top, bottom, left, right } = edges(layer, 'padding')
  const pads = graph.int64s(`${layer.name}/pads`, [0, 0, top, left, 0, 0, bottom, right])
  return { ...x, name: graph.node('Pad', [x.name, pads], {}, layer.name), h: x.h + top + bottom, w: x.w + left + right }
})

/**
 * `ReflectionPadding2D`, the Keras custom layer of that name (the trainer's `--generator-padding
 * reflect`; CycleGAN ports): ONNX Pad in `reflect` mode, the edge not repeated.
 */
export const reflectionPadding2d: Converter = unary((layer, input, { graph }) => {
  const x = image(layer, input)
  const { top, bottom, left, right } = edges(layer, 'padding')
  if (Math.max(top, bottom) >= x.h || Math.max(left, right) >= x.w) {
    throw new ExportError('ERR_INPUT', `ReflectionPadding2D layer "${layer.name}" mirrors more than its ${x.h}×${x.w} input holds.`)
  }
  const pads = graph.int64s(`${layer.name}/pads`, [0, 0, top, left, 0, 0, bottom, right])
  const name = graph.node('Pad', [x.name, pads], { mode: 'reflect' }, layer.name)
  return { ...x, name, h: x.h + top + bottom, w: x.w + left + right }
})

export const cropping2d: Converter = unary((layer, input, { graph }) => {
  const x = image(layer, input)
  const { top, bottom, left, right } = edges(layer, 'cropping')
  const h = x.h - top - bottom
  const w = x.w - left - right
  if (h < 1 || w < 1) throw new ExportError('ERR_INPUT', `Cropping2D layer "${layer.name}" crops its ${x.h}×${x.w} input to nothing.`)
  const starts = graph.int64s(`${layer.name}/starts`, [top, left])
  const ends = graph.int64s(`${layer.name}/ends`, [top + h, left + w])
  const axes = graph.int64s(`${layer.name}/axes`, [2, 3])
  return { ...x, name: graph.node('Slice', [x.name, starts, ends, axes], {}, layer.name), h, w }
})
