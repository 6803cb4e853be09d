import type { RunDevice } from '../core/devices.js'

/** The devices `auto` tries in a browser, in order: WebGPU, then WebAssembly on the CPU. */
export const BROWSER_AUTO_DEVICES: readonly RunDevice[] = ['webgpu', 'wasm']

/** Why a device cannot run in this browser, known before trying it; undefined when it may. */
export function browserDeviceUnavailable(device: RunDevice, env: { hasWebGpu: boolean }): string | undefined {
  if (!BROWSER_AUTO_DEVICES.includes(device)) return `the browser build runs webgpu and wasm, not ${device}`
  if (device === 'webgpu' && !env.hasWebGpu) return 'this browser has no WebGPU (navigator.gpu is missing)'
  return undefined
}

/** How to get each device working in a browser. */
export function browserDeviceFix(device: RunDevice): string {
  if (device === 'webgpu')
    return 'Use a browser with WebGPU (Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows), served from https or localhost'
  if (device === 'wasm') return 'Serve onnxruntime-web’s .wasm and .mjs files and pass their URL as the wasmPaths load option'
  return 'In a browser, use device: webgpu or wasm'
}

/** WebAssembly threads for onnxruntime-web: several only when the page is cross-origin isolated (COOP/COEP), else one. */
export function wasmThreads(env: { crossOriginIsolated: boolean; hardwareConcurrency: number }, requested: number | undefined): number {
  if (!env.crossOriginIsolated) return 1
  return requested ?? Math.max(1, Math.min(4, Math.floor(env.hardwareConcurrency / 2)))
}
