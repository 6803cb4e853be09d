import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { Backend } from './wasm-ops.js'

type Values = Float32Array | Int32Array

/**
 * A `Tile` for the wasm backend that copies whole blocks: the stock kernel visits the output
 * element by element and is ~17× slower than a broadcast multiply at [32, 14, 14, 64], which
 * matters because TF.js's BatchNorm gradient tiles its per-channel factors to the activations'
 * shape. Axes are tiled innermost first; each repeat is a `copyWithin` of what is already there,
 * doubling. Other dtypes (bool, string) go to `fallback`.
 */
export function createTileWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo }
    const { reps } = args.attrs as unknown as { reps: number[] }
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return fallback(args)
    const backend = args.backend as Backend
    const values = tileValues(backend.readSync(x.dataId) as Values, x.shape, reps)
    return backend.makeOutput(
      x.shape.map((d, i) => d * reps[i]!),
      x.dtype,
      undefined,
      values,
    )
  }
}

/** `src` of `shape` repeated `reps[d]` times along each axis d, row-major, as TF's Tile. */
export function tileValues(src: Values, shape: readonly number[], reps: readonly number[]): Values {
  const Values = src.constructor as new (length: number) => Values
  let data = src
  const current = [...shape]
  for (let d = shape.length - 1; d >= 0; d--) {
    const r = reps[d]!
    if (r === 1) continue
    const outer = current.slice(0, d).reduce((a, b) => a * b, 1)
    const block = current.slice(d).reduce((a, b) => a * b, 1)
    const next = new Values(outer * block * r)
    for (let p = 0; p < outer; p++) {
      const base = p * block * r
      next.set(data.subarray(p * block, (p + 1) * block), base)
      for (let filled = block; filled < block * r;) {
        const n = Math.min(filled, block * r - filled)
        next.copyWithin(base + filled, base, base + n)
        filled += n
      }
    }
    data = next
    current[d]! *= r
  }
  return data === src ? src.slice() : data
}
