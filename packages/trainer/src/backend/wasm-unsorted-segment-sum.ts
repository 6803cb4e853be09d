import { util, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { Backend } from './wasm-ops.js'

/**
 * `UnsortedSegmentSum` for the wasm backend, which does not ship one; it is the gradient of
 * `Gather`, so an Embedding layer (a conditional GAN's label input) cannot train without it. Rows of
 * `x` are summed into `numSegments` rows by `segmentIds` (ids outside [0, numSegments) are dropped,
 * as in TensorFlow). Plain JavaScript: the tensors it sees are small (classes × embedding size, or
 * the batch × 1 logits top-k generator updates gather).
 */
export function unsortedSegmentSumWasm(args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: Backend }): TensorInfo {
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo }
  const numSegments = (args.attrs as { numSegments: number }).numSegments
  const backend = args.backend
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1)
  const rowSize = util.sizeFromShape(x.shape) / rows
  const values = backend.readSync(x.dataId) as Float32Array | Int32Array
  const ids = backend.readSync(segmentIds.dataId) as Int32Array
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype)
  const sums = backend.typedArrayFromHeap(out)
  sums.fill(0)
  for (let r = 0; r < rows; r++) {
    const id = ids[r]!
    if (id < 0 || id >= numSegments) continue
    for (let i = 0; i < rowSize; i++) sums[id * rowSize + i]! += values[r * rowSize + i]!
  }
  return out
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as KernelConfig['kernelFunc'],
}
