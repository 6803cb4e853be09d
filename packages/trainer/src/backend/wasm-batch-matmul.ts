import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { OrtEngine } from './ort-engine.js'
import { dispose, wasmOp, type Backend } from './wasm-ops.js'

/** Below this many output columns the stock transposed product is as fast (a logit's gradient: one column). */
const MIN_COLUMNS = 16

/**
 * `BatchMatMul` for the wasm backend. With an {@link OrtEngine}, a single product (batch 1: the
 * Dense layers' gradients and the filter gradient's product) runs as ONNX Runtime's Gemm, transposes
 * included, on the backend's heap: three to four times XNNPACK's speed on the products of the
 * 64×64 network (measured on an AVX-512 Xeon core). Otherwise transposes are done first: the stock kernel's
 * transposed products (every Dense layer's gradients, a·bᵀ and aᵀ·b) run 6–10× slower than the
 * plain product of the same size (measured at [32, 100] × [100, 6272]), while a Transpose of the
 * operand costs about a millisecond.
 */
export function createBatchMatMulWasm(fallback: KernelFunc, engine?: OrtEngine): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean }
    const backend = args.backend as Backend
    if (
      engine !== undefined &&
      a.shape.length === 3 &&
      b.shape.length === 3 &&
      a.shape[0] === 1 &&
      b.shape[0] === 1 &&
      a.dtype === 'float32' &&
      b.dtype === 'float32'
    ) {
      const out = gemm(engine, backend, a, b, transposeA, transposeB)
      if (out !== undefined) return out
    }
    const columns = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!
    if ((!transposeA && !transposeB) || columns < MIN_COLUMNS) return fallback(args)
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

/** `op(a) · op(b)` for [1, …] operands, as one ONNX Gemm; undefined when ONNX Runtime did not run it. */
function gemm(engine: OrtEngine, backend: Backend, a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): TensorInfo | undefined {
  const [, ar, ac] = a.shape as [number, number, number]
  const [, br, bc] = b.shape as [number, number, number]
  const [m, n] = [transA ? ac : ar, transB ? br : bc]
  const out = backend.makeOutput([1, m, n], 'float32')
  if (m * n === 0) return out
  if ((transA ? ar : ac) === 0) {
    // An empty inner dimension: the sum of nothing (makeOutput's memory is not zeroed).
    ;(backend.typedArrayFromHeap(out) as Float32Array).fill(0)
    return out
  }
  const view = (t: TensorInfo, dims: number[]) => ({ data: backend.typedArrayFromHeap(t) as Float32Array, dims })
  const ran = engine.run(
    `gemm ${ar},${ac} ${br},${bc} ${Number(transA)}${Number(transB)}`,
    () => ({
      inputs: [
        { name: 'a', dims: [ar, ac] },
        { name: 'b', dims: [br, bc] },
      ],
      output: { name: 'y', dims: [m, n] },
      nodes: [{ op: 'Gemm', inputs: ['a', 'b'], output: 'y', attributes: { transA: Number(transA), transB: Number(transB) } }],
    }),
    { a: view(a, [ar, ac]), b: view(b, [br, bc]) },
    { name: 'y', ...view(out, [m, n]) },
  )
  if (ran) return out
  backend.disposeData(out.dataId)
  return undefined
}
