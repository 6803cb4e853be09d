import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeAutoDevices, nodeDeviceFix, nodeDeviceUnavailable } from './devices.js'

const linuxBackends = [{ name: 'cpu' }, { name: 'webgpu' }, { name: 'cuda' }, { name: 'tensorrt' }]

describe('Node devices', () => {
  it('auto tries the GPU providers onnxruntime-node has on each OS, then cpu', () => {
    expect(nodeAutoDevices('linux')).toEqual(['cuda', 'webgpu', 'cpu'])
    expect(nodeAutoDevices('win32')).toEqual(['cuda', 'dml', 'webgpu', 'cpu'])
    expect(nodeAutoDevices('darwin')).toEqual(['coreml', 'webgpu', 'cpu'])
  })

  it('knows before trying that CUDA needs its provider library and WebGPU a Vulkan loader on Linux', async () => {
    const bindingDir = await mkdtemp(join(tmpdir(), 'gan-ort-bin-'))
    const env = { platform: 'linux' as const, bindingDir, hasVulkan: () => false, hasGpu: () => true }
    expect(nodeDeviceUnavailable('cuda', linuxBackends, env)).toBe(
      "onnxruntime-node's CUDA provider is not installed (no libonnxruntime_providers_cuda.so beside its binding)",
    )
    expect(nodeDeviceUnavailable('webgpu', linuxBackends, env)).toBe(
      'no Vulkan loader (libvulkan.so.1) is installed, so WebGPU finds no adapter',
    )
    await writeFile(join(bindingDir, 'libonnxruntime_providers_cuda.so'), '')
    expect(nodeDeviceUnavailable('webgpu', linuxBackends, { ...env, hasVulkan: () => true, hasGpu: () => false })).toMatch(
      /^no GPU device node \(\/dev\/dri\/renderD\*, \/dev\/nvidia0, \/dev\/dxg\): WebGPU would find only software Vulkan/,
    )
    const ready = { ...env, hasVulkan: () => true }
    expect(nodeDeviceUnavailable('cuda', linuxBackends, ready)).toBeUndefined()
    expect(nodeDeviceUnavailable('webgpu', linuxBackends, ready)).toBeUndefined()
    expect(nodeDeviceUnavailable('cpu', linuxBackends, ready)).toBeUndefined()
  })

  it('names devices this OS or build lacks', () => {
    const env = { platform: 'linux' as const, bindingDir: '/nowhere', hasVulkan: () => true, hasGpu: () => true }
    expect(nodeDeviceUnavailable('dml', linuxBackends, env)).toBe('onnxruntime-node has no dml execution provider on linux')
    expect(nodeDeviceUnavailable('wasm', linuxBackends, env)).toBe('onnxruntime-node has no wasm execution provider on linux')
    expect(nodeDeviceUnavailable('webgpu', [{ name: 'cpu' }], env)).toBe(
      'this onnxruntime-node build has no webgpu execution provider (it has cpu)',
    )
  })

  it('every device has a fix that says what to install', () => {
    expect(nodeDeviceFix('cuda')).toMatch(/npm i onnxruntime-node --onnxruntime-node-install=cuda12/)
    expect(nodeDeviceFix('webgpu')).toMatch(/Vulkan driver/)
    // NVIDIA's Vulkan driver loads through glvnd's EGL; in Docker its graphics libraries are mounted only when asked for.
    expect(nodeDeviceFix('webgpu')).toMatch(/`apt install libvulkan1 libegl1`.*NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics/)
  })
})
