import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { dispose, wasmOp, type Backend } from './wasm-ops.js'

/**
 * `Sum` and `Mean` for the wasm backend when they reduce the leading axes (a bias gradient, a
 * BatchNorm's statistics and gradients: [B, H, W, C] → [C]) as one product with a row of ones,
 * [1, N] × [N, C]. The stock kernels transpose the reduced axes to the end first, which takes
 * 16 ms at [32, 32, 32, 64]; the product takes 0.6 ms. Other reductions, and other dtypes, go to `fallback`.
 */
export function createReduceWasm(kind: 'Sum' | 'Mean', fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo }
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean }
    const rank = x.shape.length
    const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b)
    if (x.dtype !== 'float32' || axes.length === 0 || !axes.every((a, i) => a === i)) return fallback(args)
    const backend = args.backend as Backend
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1)
    const kept = x.shape.slice(axes.length)
    const columns = kept.reduce((a, b) => a * b, 1)
    const ones = backend.makeOutput([1, 1, rows], 'float32', undefined, new Float32Array(rows).fill(1))
    const matrix = wasmOp(backend, 'Reshape', { x }, { shape: [1, rows, columns] })
    const sum = wasmOp(backend, 'BatchMatMul', { a: ones, b: matrix }, { transposeA: false, transposeB: false })
    const count = kind === 'Mean' ? backend.makeOutput([], 'float32', undefined, Float32Array.of(rows)) : undefined
    const total = count ? wasmOp(backend, 'RealDiv', { a: sum, b: count }) : sum
    const out = wasmOp(backend, 'Reshape', { x: total }, { shape: keepDims ? [...axes.map(() => 1), ...kept] : kept })
    dispose(backend, ones, matrix, sum, ...(count ? [count, total] : []))
    return out
  }
}
