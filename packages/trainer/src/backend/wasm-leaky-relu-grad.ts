import * as tf from '@tensorflow/tfjs-core'
import type { GradConfig, KernelConfig, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core'
import type { Backend } from './wasm-ops.js'

/** The kernel of {@link leakyReluGradConfig} on the wasm backend: dx from dy and the layer's input x. */
export const LEAKY_RELU_GRAD = 'GanLeakyReluGrad'

/**
 * LeakyReLU's gradient, `dx = x > 0 ? dy : alpha·dy`, in one pass over the wasm heap, where TF.js's
 * stock gradient runs three kernels (Greater, Multiply, Select) and holds a bool mask and two
 * temporaries the size of the activations. The values equal the stock gradient's bit for bit
 * (alpha rounded to float32, as its scalar tensor is).
 */
export const leakyReluGradWasmConfig: KernelConfig = {
  kernelName: LEAKY_RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo }
    const wasm = backend as Backend
    const out = wasm.makeOutput(x.shape, 'float32')
    leakyReluGrad(
      wasm.typedArrayFromHeap(dy) as Float32Array,
      wasm.typedArrayFromHeap(x) as Float32Array,
      Math.fround((attrs as unknown as { alpha: number }).alpha),
      wasm.typedArrayFromHeap(out) as Float32Array,
    )
    return out
  },
}

/**
 * `out[i] = x[i] > 0 ? dy[i] : alpha · dy[i]`, without a branch: activations' signs are random, and
 * the mispredicted branch made the plain loop 2.4× slower (7.5 against 3.1 ns a value). The factor
 * `alpha + (1 − alpha)·[x > 0]` is exactly 1 or alpha, so the products are the stock ones.
 */
export function leakyReluGrad(dy: Float32Array, x: Float32Array, alpha: number, out: Float32Array): void {
  const rest = 1 - alpha
  for (let i = 0; i < out.length; i++) out[i] = dy[i]! * (alpha + rest * +(x[i]! > 0))
}

/**
 * LeakyReLU's gradient, for every backend (gradients are registered per kernel, not per backend):
 * the one-pass kernel where the active backend has it (wasm), else TF.js's own composition.
 * Replaces tfjs-core's gradient of LeakyRelu.
 */
export const leakyReluGradConfig: GradConfig = {
  kernelName: 'LeakyRelu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [Tensor]
    const { alpha } = attrs as unknown as { alpha: number }
    return { x: () => leakyReluGradOf(dy as Tensor, x, alpha) }
  },
}

/**
 * The kernel's own gradient, for gradients of gradients (a gradient penalty through D): it is linear
 * in dy with the same factors, and piecewise constant in x.
 */
export const leakyReluGradGradConfig: GradConfig = {
  kernelName: LEAKY_RELU_GRAD,
  inputsToSave: ['x'],
  gradFunc: (ddx, saved, attrs) => {
    const [x] = saved as [Tensor]
    const { alpha } = attrs as unknown as { alpha: number }
    return { dy: () => leakyReluGradOf(ddx as Tensor, x, alpha), x: () => tf.zerosLike(x) }
  },
}

function leakyReluGradOf(dy: Tensor, x: Tensor, alpha: number): Tensor {
  if (tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) !== undefined && dy.dtype === 'float32' && x.dtype === 'float32')
    return tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha } as unknown as NamedAttrMap) as Tensor
  return tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha))
}
