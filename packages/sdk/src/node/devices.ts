import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { RunDevice } from '../core/devices.js'

/** The devices `auto` tries on this OS, in order: the GPU providers onnxruntime-node has here, then cpu. */
export function nodeAutoDevices(platform: NodeJS.Platform = process.platform): RunDevice[] {
  if (platform === 'win32') return ['cuda', 'dml', 'webgpu', 'cpu']
  if (platform === 'darwin') return ['coreml', 'webgpu', 'cpu']
  return ['cuda', 'webgpu', 'cpu']
}

/** How to get each device working with onnxruntime-node. */
export function nodeDeviceFix(device: RunDevice): string {
  switch (device) {
    case 'cuda':
      return "Install onnxruntime-node's CUDA 12 binaries (`npm i onnxruntime-node --onnxruntime-node-install=cuda12`; needs an NVIDIA driver, CUDA 12 and cuDNN 9, on Linux x64 or Windows x64)"
    case 'webgpu':
      return 'Install a Vulkan driver for your GPU (Debian/Ubuntu: `apt install libvulkan1 mesa-vulkan-drivers`; NVIDIA’s driver brings its own, which loads through `apt install libvulkan1 libegl1`) and, in a container, pass the GPU in (`--device /dev/dri`, or for NVIDIA `--gpus all -e NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics`); on Windows, D3D12 drivers; on macOS, Metal is built in'
    case 'dml':
      return 'DirectML runs on Windows 10+ with a DirectX 12 GPU'
    case 'coreml':
      return 'CoreML runs on macOS'
    case 'wasm':
      return 'wasm is the browser build’s CPU device; in Node use cpu'
    case 'cpu':
      return 'Reinstall onnxruntime-node'
  }
}

/**
 * Why a device cannot run with this onnxruntime-node install, found without creating a session
 * (which for a missing CUDA provider prints onnxruntime errors, and for a missing Vulkan loader
 * prints Dawn warnings, on every load); undefined when it may run and must be tried.
 */
export function nodeDeviceUnavailable(
  device: RunDevice,
  backends: readonly { name: string }[],
  env: { platform: NodeJS.Platform; bindingDir: string; hasVulkan: () => boolean; hasGpu: () => boolean },
): string | undefined {
  if (!nodeAutoDevices(env.platform).includes(device)) return `onnxruntime-node has no ${device} execution provider on ${env.platform}`
  if (!backends.some((b) => b.name === device))
    return `this onnxruntime-node build has no ${device} execution provider (it has ${backends.map((b) => b.name).join(', ')})`
  if (device === 'cuda') {
    const lib = env.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'
    if (!existsSync(join(env.bindingDir, lib))) return `onnxruntime-node's CUDA provider is not installed (no ${lib} beside its binding)`
  }
  if (device === 'webgpu' && env.platform === 'linux') {
    if (!env.hasVulkan()) return 'no Vulkan loader (libvulkan.so.1) is installed, so WebGPU finds no adapter'
    // Dawn refuses software Vulkan (lavapipe), and trying prints its warnings on every load.
    if (!env.hasGpu())
      return 'no GPU device node (/dev/dri/renderD*, /dev/nvidia0, /dev/dxg): WebGPU would find only software Vulkan, which it does not use'
  }
  return undefined
}

/** Whether Linux shows a GPU to this process: a DRM render node, NVIDIA's device, or WSL's GPU bridge. */
export function linuxHasGpuDevice(): boolean {
  if (existsSync('/dev/nvidia0') || existsSync('/dev/dxg')) return true
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'))
  } catch {
    return false
  }
}

/** The folder of onnxruntime-node's native binding, where its install script puts the CUDA provider. */
export function ortBindingDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node')
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch)
}

/** Whether the dynamic loader can find libvulkan.so.1: in its cache, or in LD_LIBRARY_PATH. */
export function linuxHasVulkan(): boolean {
  const name = 'libvulkan.so.1'
  const dirs = (process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter((d) => d !== '')
  if (dirs.some((d) => existsSync(join(d, name)))) return true
  try {
    return readFileSync('/etc/ld.so.cache').includes(name)
  } catch {
    return ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/lib/aarch64-linux-gnu'].some((d) => existsSync(join(d, name)))
  }
}
