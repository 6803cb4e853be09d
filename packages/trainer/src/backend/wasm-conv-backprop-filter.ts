import { backend_util, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { dispose, wasmOp } from './wasm-ops.js'
import type { Backend } from './wasm-ops.js'
import { TrainError } from '../errors.js'

/**
 * `Conv2DBackpropFilter` for the wasm backend, which does not ship one, composed from its own
 * PadV2 / Transpose / Conv2D / Slice kernels:
 *
 *   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s + kh − pT, ow·s + kw − pL, ci] · dy[b,oh,ow,co]
 *
 * is a convolution in which the channels of x play the batch, the batch plays the input channels,
 * and dy is the filter, dilated by the forward stride s. (TF.js conv gradients have no dilation
 * attribute: tf.conv2d refuses to differentiate dilated convs, so the tap step is always 1.)
 */
export function conv2dBackpropFilterWasm(args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: Backend }): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo }
  const backend = args.backend
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: number | [number, number]
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
    dataFormat: 'NHWC' | 'NCHW'
    dimRoundingMode?: 'floor' | 'round' | 'ceil'
    filterShape: [number, number, number, number]
  }
  if (attrs.dataFormat === 'NCHW') {
    throw new TrainError(
      'ERR_BACKEND',
      'the wasm Conv2DBackpropFilter kernel supports NHWC only; build models with dataFormat "channelsLast".',
    )
  }
  const xShape = x.shape as [number, number, number, number]
  const info = backend_util.computeConv2DInfo(
    xShape,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  )
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info
  const { top, left } = info.padInfo
  const [batch, h, w] = xShape
  const expected = [batch, oh, ow, info.outChannels]
  if (dy.shape.some((d, i) => d !== expected[i])) {
    throw new TrainError(
      'ERR_BACKEND',
      `Conv2DBackpropFilter: dy has shape [${dy.shape.join(', ')}] but a conv of x [${xShape.join(', ')}] with filter [${attrs.filterShape.join(', ')}] gives [${expected.join(', ')}]; check strides, pad and dimRoundingMode.`,
    )
  }
  // Pad so that every tap (oh·s + kh − pT) lands inside; extra rows only produce outputs we slice off.
  const bottom = Math.max(0, (oh - 1) * sh + kh - (h + top))
  const right = Math.max(0, (ow - 1) * sw + kw - (w + left))
  const padded = wasmOp(
    backend,
    'PadV2',
    { x },
    {
      paddings: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      constantValue: 0,
    },
  )
  const xT = wasmOp(backend, 'Transpose', { x: padded }, { perm: [3, 1, 2, 0] })
  const dyT = wasmOp(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] })
  const conv = wasmOp(backend, 'Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] })
  const [ci, , , co] = conv.shape as [number, number, number, number]
  const sliced = wasmOp(backend, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] })
  const dW = wasmOp(backend, 'Transpose', { x: sliced }, { perm: [1, 2, 0, 3] })
  dispose(backend, padded, xT, dyT, conv, sliced)
  return dW
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as KernelConfig['kernelFunc'],
}
