import * as tf from '@tensorflow/tfjs-core'
import type { KernelConfig, NamedAttrMap, Tensor4D, TensorInfo } from '@tensorflow/tfjs-core'
import type { Backend } from './wasm-ops.js'

/** The kernel of {@link mirrorPadGrad} on the wasm backend. */
export const MIRROR_PAD_GRAD = 'GanMirrorPadGrad'

/**
 * The gradient of reflecting `padding` rows and columns onto each side of NHWC maps (the edge not
 * repeated): each input pixel gets dy summed over every padded position that copies it. TF.js
 * 4.22's own MirrorPad gradient keeps only dy's centre, dropping what the copies pass back. On the
 * wasm backend one pass over the heap ({@link mirrorPadGradWasmConfig}); elsewhere slices,
 * reversed and zero-padded back into place, the same sums.
 */
export function mirrorPadGrad(dy: Tensor4D, padding: number): Tensor4D {
  if (tf.getKernel(MIRROR_PAD_GRAD, tf.getBackend()) !== undefined && dy.dtype === 'float32') {
    return tf.engine().runKernel(MIRROR_PAD_GRAD, { dy }, { padding } as unknown as NamedAttrMap) as Tensor4D
  }
  return tf.tidy(() => fold(fold(dy, 1, padding), 2, padding))
}

/** Along `axis`, add the `p` mirrored slices on each side of `dy` back onto the positions they copied. */
function fold(dy: Tensor4D, axis: 1 | 2, p: number): Tensor4D {
  const n = dy.shape[axis] - 2 * p
  const part = (start: number, size: number) => {
    const begin = [0, 0, 0, 0]
    const sizes = [-1, -1, -1, -1]
    begin[axis] = start
    sizes[axis] = size
    return tf.slice(dy, begin, sizes)
  }
  const around = (before: number, after: number): Array<[number, number]> =>
    [0, 1, 2, 3].map((a) => (a === axis ? [before, after] : [0, 0]))
  // Padded position i < p copies input p − i; position p + n + k copies input n − 2 − k.
  const head = tf.pad(tf.reverse(part(0, p), axis), around(1, n - 1 - p))
  const tail = tf.pad(tf.reverse(part(p + n, p), axis), around(n - 1 - p, 1))
  return tf.addN([part(p, n), head, tail]) as Tensor4D
}

export const mirrorPadGradWasmConfig: KernelConfig = {
  kernelName: MIRROR_PAD_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy } = inputs as { dy: TensorInfo }
    const { padding } = attrs as unknown as { padding: number }
    const wasm = backend as Backend
    const [batch, h, w, c] = dy.shape as [number, number, number, number]
    const out = wasm.makeOutput([batch, h - 2 * padding, w - 2 * padding, c], 'float32')
    foldMirrorPad(wasm.typedArrayFromHeap(dy) as Float32Array, [batch, h, w, c], padding, wasm.typedArrayFromHeap(out) as Float32Array)
    return out
  },
}

/** `out` ([batch, h − 2p, w − 2p, c]) = the sums of `dy` ([batch, h, w, c]) over the padded positions copying each pixel. */
export function foldMirrorPad(
  dy: Float32Array,
  [batch, h, w, c]: readonly [number, number, number, number],
  p: number,
  out: Float32Array,
): void {
  const [oh, ow] = [h - 2 * p, w - 2 * p]
  // The input row (column) each padded one copies.
  const source = (i: number, n: number) => {
    const j = i - p
    return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j
  }
  const rows = Array.from({ length: h }, (_, i) => source(i, oh))
  const cols = Array.from({ length: w }, (_, i) => source(i, ow))
  out.fill(0)
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < h; i++) {
      const outRow = (b * oh + rows[i]!) * ow
      const inRow = (b * h + i) * w
      for (let j = 0; j < w; j++) {
        const o = (outRow + cols[j]!) * c
        const d = (inRow + j) * c
        for (let k = 0; k < c; k++) out[o + k]! += dy[d + k]!
      }
    }
  }
}
