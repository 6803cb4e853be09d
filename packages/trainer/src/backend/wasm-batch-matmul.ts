import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { dispose, wasmOp, type Backend } from './wasm-ops.js'

/** Below this many output columns the stock transposed product is as fast (a logit's gradient: one column). */
const MIN_COLUMNS = 16

/**
 * `BatchMatMul` for the wasm backend with transposes done first: the stock kernel's transposed
 * products (every Dense layer's gradients, a·bᵀ and aᵀ·b) run 6–10× slower than the plain product
 * of the same size (measured at [32, 100] × [100, 6272]), while a Transpose of the operand costs
 * about a millisecond. So a transposed operand is transposed explicitly (its last two axes) and
 * the plain product runs.
 */
export function createBatchMatMulWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean }
    const columns = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!
    if ((!transposeA && !transposeB) || columns < MIN_COLUMNS) return fallback(args)
    const backend = args.backend as Backend
    const swap = (x: TensorInfo) => {
      const perm = x.shape.map((_, i) => i)
      ;[perm[perm.length - 2], perm[perm.length - 1]] = [perm.at(-1)!, perm.at(-2)!]
      return wasmOp(backend, 'Transpose', { x }, { perm })
    }
    const aT = transposeA ? swap(a) : a
    const bT = transposeB ? swap(b) : b
    const out = fallback({
      ...args,
      inputs: { a: aT, b: bT },
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as TensorInfo
    if (transposeA) dispose(backend, aT)
    if (transposeB) dispose(backend, bT)
    return out
  }
}
