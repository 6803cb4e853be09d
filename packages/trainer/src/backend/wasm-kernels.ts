import { getKernel, registerGradient, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core'
import { ortEngine, ortEngineError } from './ort-engine.js'
import { createBatchMatMulWasm } from './wasm-batch-matmul.js'
import { createConv2dBackpropInputOrt, createConv2dOrt } from './wasm-ort-conv.js'
import { conv2dBackpropFilterConfig } from './wasm-conv-backprop-filter.js'
import { createConv2dBackpropInputWasm } from './wasm-conv-backprop-input.js'
import { depthwiseBackpropInputConfig } from './wasm-depthwise-backprop-input.js'
import { leakyReluGradConfig, leakyReluGradGradConfig, leakyReluGradWasmConfig, LEAKY_RELU_GRAD } from './wasm-leaky-relu-grad.js'
import { MIRROR_PAD_GRAD, mirrorPadGradWasmConfig } from './mirror-pad-grad.js'
import { createReduceWasm } from './wasm-reduce.js'
import { createTileWasm } from './wasm-tile.js'
import { unsortedSegmentSumConfig } from './wasm-unsorted-segment-sum.js'
import { TrainError } from '../errors.js'

export interface WasmKernelOptions {
  /** Replace the stock Conv2DBackpropInput (Conv2DTranspose, conv input gradients) with the sub-pixel kernel. @default true */
  fastConvTranspose?: boolean
  /**
   * Run Conv2D, FusedConv2D and single matrix products in ONNX Runtime's CPU kernels (ort-engine.ts),
   * where onnxruntime-node loads. @default true
   */
  onnxRuntime?: boolean
}

/**
 * What trains convolutions and products on the wasm backend: ONNX Runtime's CPU kernels, the wasm
 * backend's with the sub-pixel Conv2DBackpropInput, or the wasm backend's own (`--no-fast-kernels`).
 */
export type WasmKernelSet = 'onnxruntime' | 'sub-pixel' | 'stock'

export interface WasmKernelReport {
  set: WasmKernelSet
  /** Why ONNX Runtime's kernels were asked for but are not used: onnxruntime-node's load error. */
  onnxRuntimeError?: string
}

let stockBackpropInput: KernelConfig | undefined
// The stock configs of the kernels that are always wrapped, kept for the same reason.
const stock: Partial<Record<'Tile' | 'BatchMatMul' | 'Sum' | 'Mean' | 'Conv2D' | 'FusedConv2D', KernelConfig>> = {}

/**
 * Make the wasm backend able to train convnets: add the missing Conv2DBackpropFilter,
 * UnsortedSegmentSum (the gradient of an Embedding), DepthwiseConv2dNativeBackpropInput (the
 * gradient through a frozen MobileNet, wasm-depthwise-backprop-input.ts) and the one-pass gradient of reflection padding
 * (mirror-pad-grad.ts), compute LeakyReLU's gradient in one pass
 * (wasm-leaky-relu-grad.ts; its gradient registration applies to every backend, which fall back to
 * the stock composition), replace Tile, BatchMatMul, and Sum and Mean
 * over leading axes by the faster wrappers of wasm-tile.ts, wasm-batch-matmul.ts and wasm-reduce.ts,
 * (by default) run Conv2D, FusedConv2D, Conv2DBackpropInput and single products in ONNX Runtime
 * (wasm-ort-conv.ts, ort-engine.ts), and swap in the sub-pixel Conv2DBackpropInput where ONNX Runtime
 * is off or does not take a shape. Call after `@tensorflow/tfjs-backend-wasm` is imported; safe to
 * call again to switch the fast kernels on or off. Returns which kernels it registered.
 */
export function registerWasmKernels(options: WasmKernelOptions = {}): WasmKernelReport {
  const fast = options.fastConvTranspose ?? true
  const askedOrt = options.onnxRuntime ?? true
  const engine = askedOrt ? ortEngine() : undefined
  if (getKernel('Conv2DBackpropFilter', 'wasm') === undefined) registerKernel(conv2dBackpropFilterConfig)
  if (getKernel('UnsortedSegmentSum', 'wasm') === undefined) registerKernel(unsortedSegmentSumConfig)
  if (getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm') === undefined) registerKernel(depthwiseBackpropInputConfig)
  if (getKernel(MIRROR_PAD_GRAD, 'wasm') === undefined) registerKernel(mirrorPadGradWasmConfig)
  if (getKernel(LEAKY_RELU_GRAD, 'wasm') === undefined) {
    registerKernel(leakyReluGradWasmConfig)
    registerGradient(leakyReluGradConfig)
    registerGradient(leakyReluGradGradConfig)
  }
  // Keep the stock config once: its setupFunc binds the wasm function the fallback path calls.
  stockBackpropInput ??= getKernel('Conv2DBackpropInput', 'wasm')
  if (stockBackpropInput === undefined) {
    throw new TrainError('ERR_BACKEND', '@tensorflow/tfjs-backend-wasm is not loaded: import it before registerWasmKernels().')
  }
  for (const [name, wrap] of [
    ['Tile', createTileWasm],
    ['BatchMatMul', (f: KernelFunc) => createBatchMatMulWasm(f, engine)],
    ['Sum', (f: KernelFunc) => createReduceWasm('Sum', f)],
    ['Mean', (f: KernelFunc) => createReduceWasm('Mean', f)],
    ['Conv2D', (f: KernelFunc) => (engine === undefined ? f : createConv2dOrt(f, engine))],
    ['FusedConv2D', (f: KernelFunc) => (engine === undefined ? f : createConv2dOrt(f, engine))],
  ] as const) {
    const config = (stock[name] ??= getKernel(name, 'wasm'))
    if (config === undefined) continue
    unregisterKernel(name, 'wasm')
    registerKernel({ ...config, kernelFunc: wrap(config.kernelFunc) })
  }
  unregisterKernel('Conv2DBackpropInput', 'wasm')
  const backpropInput = stockBackpropInput.kernelFunc
  registerKernel(
    !fast
      ? stockBackpropInput
      : {
          ...stockBackpropInput,
          kernelFunc:
            engine === undefined
              ? createConv2dBackpropInputWasm(backpropInput)
              : createConv2dBackpropInputOrt(createConv2dBackpropInputWasm(backpropInput), engine),
        },
  )
  if (engine !== undefined) return { set: 'onnxruntime' }
  return { set: fast ? 'sub-pixel' : 'stock', ...(askedOrt ? { onnxRuntimeError: ortEngineError() } : {}) }
}
