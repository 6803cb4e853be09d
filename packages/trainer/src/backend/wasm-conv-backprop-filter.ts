import { backend_util, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { dispose, wasmOp } from './wasm-ops.js'
import type { Backend } from './wasm-ops.js'
import { TrainError } from '../errors.js'

/**
 * Patches matrices are built for this many images at a time, at most about this many floats
 * (64 MiB): the 64×64 colour network's largest, at batch 64, fits in one.
 */
const MAX_PATCH_FLOATS = 1 << 24

/**
 * `Conv2DBackpropFilter` for the wasm backend, which does not ship one, as one matrix product:
 *
 *   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s + kh − pT, ow·s + kw − pL, ci] · dy[b,oh,ow,co]
 *                   = Pᵀ · dy,   Pᵀ[(kh,kw,ci), (b,oh,ow)] the transposed patches (im2col) of x,
 *
 * with Pᵀ built here on the heap and the product run by the backend's own BatchMatMul, whose packed
 * operand is then dy, the small one: at the 64×64 colour network's layers, near the product's
 * speed (35–60 GFLOP/s), also where x has few channels. Images are taken
 * `maxPatchFloats / (kh·kw·ci·oh·ow)` at a time and their products added, so memory stays bounded.
 * (TF.js conv gradients have no dilation attribute: tf.conv2d refuses to differentiate dilated
 * convs, so the tap step is always 1.)
 */
export function conv2dBackpropFilterWasm(
  args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: Backend },
  maxPatchFloats = MAX_PATCH_FLOATS,
): TensorInfo {
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
  const { outHeight: oh, outWidth: ow, outChannels: co } = info
  const [batch] = xShape
  const expected = [batch, oh, ow, co]
  if (dy.shape.some((d, i) => d !== expected[i])) {
    throw new TrainError(
      'ERR_BACKEND',
      `Conv2DBackpropFilter: dy has shape [${dy.shape.join(', ')}] but a conv of x [${xShape.join(', ')}] with filter [${attrs.filterShape.join(', ')}] gives [${expected.join(', ')}]; check strides, pad and dimRoundingMode.`,
    )
  }
  const taps = info.filterHeight * info.filterWidth * info.inChannels
  if (batch * oh * ow === 0) {
    // No output positions: nothing multiplies the filter (makeOutput's memory is not zeroed).
    const zeros = backend.makeOutput(attrs.filterShape, 'float32')
    ;(backend.typedArrayFromHeap(zeros) as Float32Array).fill(0)
    return zeros
  }
  const perChunk = Math.max(1, Math.min(batch, Math.floor(maxPatchFloats / (taps * oh * ow))))
  let sum: TensorInfo | undefined
  try {
    for (let first = 0; first < batch; first += perChunk) {
      const product = chunkProduct(backend, x, dy, info, first, Math.min(perChunk, batch - first))
      if (sum === undefined) sum = product
      else {
        const into = backend.typedArrayFromHeap(sum) as Float32Array
        const add = backend.typedArrayFromHeap(product) as Float32Array
        for (let i = 0; i < into.length; i++) into[i]! += add[i]!
        dispose(backend, product)
      }
    }
  } catch (err) {
    if (sum !== undefined) dispose(backend, sum)
    throw err
  }
  return { ...sum!, shape: attrs.filterShape }
}

/** Pᵀ · dy for images [first, first + images): [1, kh·kw·ci, co]. */
function chunkProduct(
  backend: Backend,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  first: number,
  images: number,
): TensorInfo {
  const { outHeight: oh, outWidth: ow, outChannels: co } = info
  const taps = info.filterHeight * info.filterWidth * info.inChannels
  const rows = images * oh * ow
  const whole = images === dy.shape[0]
  const patches = backend.makeOutput([1, taps, rows], 'float32')
  let part: TensorInfo | undefined
  try {
    // Views after the allocation: growing the heap detaches earlier ones.
    transposedPatches(
      backend.typedArrayFromHeap(x) as Float32Array,
      x.shape as [number, number, number, number],
      info,
      first,
      images,
      backend.typedArrayFromHeap(patches) as Float32Array,
    )
    part = whole ? dy : wasmOp(backend, 'Slice', { x: dy }, { begin: [first, 0, 0, 0], size: [images, oh, ow, co] })
    return wasmOp(backend, 'BatchMatMul', { a: patches, b: { ...part, shape: [1, rows, co] } }, { transposeA: false, transposeB: false })
  } finally {
    dispose(backend, patches, ...(part === undefined || whole ? [] : [part]))
  }
}

/**
 * Pᵀ for images [first, first + images) of x: row (kh, kw, ci) holds, for each output position
 * (b, oh, ow), the input value that tap multiplies (0 in the padding). Image by image, so that the
 * x rows one tap reads stay in cache across its channels' rows; each row is written in order
 * (2.1 ns a value at the 64×64 network's layers, against 3.5 for 16 rows at a time).
 */
function transposedPatches(
  x: Float32Array,
  [, height, width, channels]: readonly [number, number, number, number],
  info: backend_util.Conv2DInfo,
  first: number,
  images: number,
  out: Float32Array,
): void {
  const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth } = info
  const { top, left } = info.padInfo
  const perImage = outHeight * outWidth
  const columns = images * perImage
  const step = strideWidth * channels
  for (let b = 0; b < images; b++) {
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        // The output columns whose input column ow·s + kw − pL lies inside x.
        const x0 = Math.min(outWidth, Math.max(0, Math.ceil((left - kw) / strideWidth)))
        const x1 = Math.max(x0, Math.min(outWidth, Math.floor((width - 1 + left - kw) / strideWidth) + 1))
        for (let ci = 0; ci < channels; ci++) {
          let at = ((kh * filterWidth + kw) * channels + ci) * columns + b * perImage
          for (let y = 0; y < outHeight; y++, at += outWidth) {
            const iy = y * strideHeight + kh - top
            // Loops, not fill(): a call per row costs more than the few values it writes.
            if (iy < 0 || iy >= height) {
              for (let xx = 0; xx < outWidth; xx++) out[at + xx] = 0
              continue
            }
            for (let xx = 0; xx < x0; xx++) out[at + xx] = 0
            let src = (((first + b) * height + iy) * width + x0 * strideWidth + kw - left) * channels + ci
            for (let xx = x0; xx < x1; xx++, src += step) out[at + xx] = x[src]!
            for (let xx = x1; xx < outWidth; xx++) out[at + xx] = 0
          }
        }
      }
    }
  }
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as KernelConfig['kernelFunc'],
}
