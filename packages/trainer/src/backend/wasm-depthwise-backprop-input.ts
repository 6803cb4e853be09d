import { backend_util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core'
import type { Backend } from './wasm-ops.js'
import { TrainError } from '../errors.js'

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend, which does not ship one: the gradient
 * a frozen feature network's depthwise convolutions (MobileNet's) pass back to their input, one
 * pass over the heap that scatters each dy value through the filter taps that read it:
 *
 *   dx[b, oh·s + kh·d − pT, ow·s + kw·d − pL, c] += dy[b, oh, ow, c·m + j] · W[kh, kw, c, j]
 */
export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo }
    const a = attrs as unknown as {
      strides: number | [number, number]
      dilations: number | [number, number]
      pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
      dimRoundingMode?: 'floor' | 'round' | 'ceil'
      inputShape: [number, number, number, number]
    }
    const wasm = backend as Backend
    const info = backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations,
      a.pad,
      a.dimRoundingMode,
      true,
    )
    const [outN, outH, outW, outC] = dy.shape as [number, number, number, number]
    if (outN !== info.batchSize || outH !== info.outHeight || outW !== info.outWidth || outC !== info.outChannels) {
      throw new TrainError(
        'ERR_BACKEND',
        `DepthwiseConv2dNativeBackpropInput: dy is ${dy.shape.join('×')}, the input ${a.inputShape.join('×')} with this filter, strides and pad gives ${[info.batchSize, info.outHeight, info.outWidth, info.outChannels].join('×')}.`,
      )
    }
    const out = wasm.makeOutput(a.inputShape, 'float32')
    const dx = wasm.typedArrayFromHeap(out) as Float32Array
    dx.fill(0)
    scatterDepthwise(wasm.typedArrayFromHeap(dy) as Float32Array, wasm.typedArrayFromHeap(filter) as Float32Array, info, dx)
    return out
  },
}

/** dx += the scatter of `dy` through the depthwise filter `w` described by `info`. */
export function scatterDepthwise(dy: Float32Array, w: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info
  const { top, left } = info.padInfo
  const mult = outChannels / inChannels
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyRow = ((b * outHeight + oh) * outWidth + ow) * outChannels
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh * dilationHeight - top
          if (ih < 0 || ih >= inHeight) continue
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw * dilationWidth - left
            if (iw < 0 || iw >= inWidth) continue
            const dxRow = ((b * inHeight + ih) * inWidth + iw) * inChannels
            const wRow = (kh * filterWidth + kw) * outChannels
            if (mult === 1) {
              for (let c = 0; c < inChannels; c++) dx[dxRow + c]! += dy[dyRow + c]! * w[wRow + c]!
            } else {
              for (let c = 0; c < inChannels; c++) {
                let sum = 0
                for (let j = 0; j < mult; j++) sum += dy[dyRow + c * mult + j]! * w[wRow + c * mult + j]!
                dx[dxRow + c]! += sum
              }
            }
          }
        }
      }
    }
  }
}
