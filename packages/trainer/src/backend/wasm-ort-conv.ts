import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import type { OpGraph, OrtEngine } from './ort-engine.js'
import { backpropInputInfo, type BackpropInputAttrs } from './wasm-conv-backprop-input.js'
import type { Backend } from './wasm-ops.js'

interface ConvAttrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dilations: number | [number, number]
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  /** FusedConv2D only. */
  activation?: string
  leakyreluAlpha?: number
}

/** The activations a fused convolution may end with here; others (elu, relu6, prelu, sigmoid) go to the wasm kernel. */
const ACTIVATIONS: Record<string, string | undefined> = { linear: undefined, relu: 'Relu', leakyrelu: 'LeakyRelu' }

/**
 * `Conv2D` and `FusedConv2D` (bias and activation) of the wasm backend, run by ONNX Runtime's CPU
 * convolution ({@link OrtEngine}) on the backend's heap: transposed to NCHW, convolved and
 * transposed back in one graph per shape. XNNPACK's WebAssembly convolution has no fused
 * multiply-add and ran at about a third of ONNX Runtime's speed in the 64×64 network on an AVX-512
 * Xeon core (bench/train-speed.bench.mjs times whole steps). The layouts, activations, bias shapes
 * and geometries it does not take go to `fallback`, the wasm backend's own kernel.
 */
export function createConv2dOrt(fallback: KernelFunc, engine: OrtEngine): KernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>
    const attrs = args.attrs as unknown as ConvAttrs
    const activation = attrs.activation ?? 'linear'
    const [, , , outChannels] = filter!.shape as [number, number, number, number]
    if (
      attrs.dataFormat === 'NCHW' ||
      x!.dtype !== 'float32' ||
      filter!.dtype !== 'float32' ||
      !(activation in ACTIVATIONS) ||
      preluActivationWeights !== undefined ||
      (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== outChannels))
    ) {
      return fallback(args)
    }
    const backend = args.backend as Backend
    const info = backend_util.computeConv2DInfo(
      x!.shape as [number, number, number, number],
      filter!.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    )
    if (!onnxGeometry(x!.shape, info)) return fallback(args)
    const out = backend.makeOutput(info.outShape, 'float32')
    if (info.outShape.includes(0)) return out
    // As the wasm backend's own kernel reads it (TF.js's fused ops pass no default).
    const alpha = attrs.leakyreluAlpha || 0
    const key = `conv ${x!.shape} ${filter!.shape} ${info.outShape} ${info.strideHeight},${info.strideWidth} ${info.dilationHeight},${info.dilationWidth} ${Object.values(info.padInfo)} ${bias !== undefined} ${activation} ${alpha}`
    const view = (t: TensorInfo) => ({ data: backend.typedArrayFromHeap(t) as Float32Array, dims: t.shape })
    const ran = engine.run(
      key,
      () => convGraph(x!.shape, filter!.shape, info, bias !== undefined, ACTIVATIONS[activation], alpha),
      { x: view(x!), w: view(filter!), ...(bias !== undefined ? { b: view(bias) } : {}) },
      { name: 'y', ...view(out) },
    )
    if (ran) return out
    backend.disposeData(out.dataId)
    return fallback(args)
  }
}

/**
 * Whether ONNX's Conv computes TF.js's output shape for this geometry, with pads smaller than the
 * kernel's extent. A numeric pad with a rounding mode other than floor can add a row ONNX has no
 * input for, and TF.js sizes a numeric pad's columns by the kernel's height.
 */
function onnxGeometry(xShape: readonly number[], info: backend_util.Conv2DInfo): boolean {
  const { top, left, bottom, right } = info.padInfo
  const extent = [(info.filterHeight - 1) * info.dilationHeight + 1, (info.filterWidth - 1) * info.dilationWidth + 1]
  const size = (input: number, pads: number, k: number, stride: number) => Math.floor((input + pads - k) / stride) + 1
  return (
    Math.max(top, bottom) < extent[0]! &&
    Math.max(left, right) < extent[1]! &&
    size(xShape[1]!, top + bottom, extent[0]!, info.strideHeight) === info.outHeight &&
    size(xShape[2]!, left + right, extent[1]!, info.strideWidth) === info.outWidth
  )
}

function convGraph(
  xShape: readonly number[],
  wShape: readonly number[],
  info: backend_util.Conv2DInfo,
  withBias: boolean,
  activation: string | undefined,
  alpha: number,
): OpGraph {
  const { top, left, bottom, right } = info.padInfo
  const conv = {
    op: 'Conv',
    inputs: ['xc', 'wc', ...(withBias ? ['b'] : [])],
    output: activation === undefined ? 'yc' : 'zc',
    attributes: {
      kernel_shape: [info.filterHeight, info.filterWidth],
      strides: [info.strideHeight, info.strideWidth],
      dilations: [info.dilationHeight, info.dilationWidth],
      pads: [top, left, bottom, right],
    },
  }
  return {
    inputs: [{ name: 'x', dims: xShape }, { name: 'w', dims: wShape }, ...(withBias ? [{ name: 'b', dims: [wShape[3]!] }] : [])],
    output: { name: 'y', dims: info.outShape },
    nodes: [
      { op: 'Transpose', inputs: ['x'], output: 'xc', attributes: { perm: [0, 3, 1, 2] } },
      { op: 'Transpose', inputs: ['w'], output: 'wc', attributes: { perm: [3, 2, 0, 1] } },
      conv,
      ...(activation === undefined
        ? []
        : [{ op: activation, inputs: ['zc'], output: 'yc', attributes: activation === 'LeakyRelu' ? { alpha: { float: alpha } } : {} }]),
      { op: 'Transpose', inputs: ['yc'], output: 'y', attributes: { perm: [0, 2, 3, 1] } },
    ],
  }
}

/**
 * `Conv2DBackpropInput` (Conv2DTranspose, and every conv's input gradient) as ONNX Runtime's
 * ConvTranspose, between the same layout transposes as {@link createConv2dOrt}. The output padding
 * makes up the rows and columns a strided conv's floor dropped, so the result has the conv's input
 * shape exactly. NCHW goes to `fallback`.
 */
export function createConv2dBackpropInputOrt(fallback: KernelFunc, engine: OrtEngine): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo }
    const attrs = args.attrs as unknown as BackpropInputAttrs
    if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return fallback(args)
    const backend = args.backend as Backend
    const info = backpropInputInfo(attrs, filter)
    const padding = outputPadding(attrs.inputShape, info)
    // A conv whose rounding read past its input (dimRoundingMode ceil), or whose pads reach past its kernel, has no ConvTranspose.
    const { top, left, bottom, right } = info.padInfo
    if (
      padding[0]! < 0 ||
      padding[1]! < 0 ||
      padding[0]! >= info.strideHeight ||
      padding[1]! >= info.strideWidth ||
      Math.max(top, bottom) >= info.filterHeight ||
      Math.max(left, right) >= info.filterWidth ||
      dy.shape[1] !== info.outHeight ||
      dy.shape[2] !== info.outWidth
    ) {
      return fallback(args)
    }
    const out = backend.makeOutput(attrs.inputShape, 'float32')
    if (attrs.inputShape.includes(0)) return out
    if (dy.shape.includes(0)) {
      ;(backend.typedArrayFromHeap(out) as Float32Array).fill(0)
      return out
    }
    const key = `convT ${dy.shape} ${filter.shape} ${attrs.inputShape} ${info.strideHeight},${info.strideWidth} ${Object.values(info.padInfo)}`
    const view = (t: TensorInfo) => ({ data: backend.typedArrayFromHeap(t) as Float32Array, dims: t.shape })
    const ran = engine.run(
      key,
      () => convTransposeGraph(dy.shape, filter.shape, attrs.inputShape, info),
      { dy: view(dy), w: view(filter) },
      { name: 'dx', ...view(out) },
    )
    if (ran) return out
    backend.disposeData(out.dataId)
    return fallback(args)
  }
}

/** The rows and columns of the conv's input that its floor left unread: what ConvTranspose adds back as output padding. */
function outputPadding(xShape: readonly number[], info: backend_util.Conv2DInfo): number[] {
  const { top, left, bottom, right } = info.padInfo
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info
  return [xShape[1]! - (sh * (oh - 1) + kh - top - bottom), xShape[2]! - (sw * (ow - 1) + kw - left - right)]
}

function convTransposeGraph(
  dyShape: readonly number[],
  wShape: readonly number[],
  xShape: readonly number[],
  info: backend_util.Conv2DInfo,
): OpGraph {
  const { top, left, bottom, right } = info.padInfo
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info
  return {
    inputs: [
      { name: 'dy', dims: dyShape },
      { name: 'w', dims: wShape },
    ],
    output: { name: 'dx', dims: xShape },
    nodes: [
      { op: 'Transpose', inputs: ['dy'], output: 'dyc', attributes: { perm: [0, 3, 1, 2] } },
      // TF's [kh, kw, in, out] filter is ConvTranspose's [C (dy's channels), M (dx's), kh, kw].
      { op: 'Transpose', inputs: ['w'], output: 'wc', attributes: { perm: [3, 2, 0, 1] } },
      {
        op: 'ConvTranspose',
        inputs: ['dyc', 'wc'],
        output: 'dxc',
        attributes: {
          kernel_shape: [kh, kw],
          strides: [sh, sw],
          pads: [top, left, bottom, right],
          output_padding: outputPadding(xShape, info),
        },
      },
      { op: 'Transpose', inputs: ['dxc'], output: 'dx', attributes: { perm: [0, 2, 3, 1] } },
    ],
  }
}
