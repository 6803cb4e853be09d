import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { TrainError } from '../errors.js'

export type Backend = BackendWasm

/**
 * Run one of the wasm backend's own kernels on TensorInfos, outside the autograd tape. The caller
 * owns the result and must `dispose` it: composed kernels free their intermediates themselves.
 */
export function wasmOp(backend: Backend, kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm')
  if (kernel === undefined) {
    throw new TrainError('ERR_BACKEND', `the wasm backend has no ${kernelName} kernel; @tensorflow/tfjs-backend-wasm 4.22 is required.`)
  }
  return kernel.kernelFunc({ inputs, attrs, backend }) as TensorInfo
}

export function dispose(backend: Backend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId)
}
