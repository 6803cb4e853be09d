import { afterEach, describe, expect, it, vi } from 'vitest'
import { rejectionOf } from '../testing/gan-error.js'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { openOnDevice, type DeviceChoice, type DevicePlatform, type RunDevice } from './devices.js'
import { GanError } from './errors.js'
import { readModelInfo } from './model-info.js'
import type { InferenceSessionLike } from './session.js'

const bytes = tinyGenerator({ latentSize: 4, width: 2, height: 2 })
const model = readModelInfo(bytes)

/**
 * A platform whose devices behave as told: 'ok' runs, 'create' fails to create a session,
 * 'probe' creates one whose first run fails, a string is known-unavailable up front.
 */
function platform(
  behaviour: Partial<Record<RunDevice, 'ok' | 'create' | 'probe' | string>>,
  auto: RunDevice[] = ['cuda', 'webgpu', 'cpu'],
) {
  const released: RunDevice[] = []
  const created: RunDevice[] = []
  const p: DevicePlatform = {
    auto,
    unavailable: (d) => (['ok', 'create', 'probe', undefined].includes(behaviour[d]) ? undefined : behaviour[d]),
    fix: (d) => `Fix ${d}`,
    async createSession(_bytes, _model, device) {
      created.push(device)
      if (behaviour[device] === 'create') throw new Error(`${device} has no adapter\n  at native frame`)
      const session: InferenceSessionLike = {
        async run(latents, batch) {
          if (behaviour[device] === 'probe') throw new Error(`${device} kernel missing`)
          expect(latents).toEqual(new Float32Array(batch * 4))
          return new Float32Array(batch * 4)
        },
        async release() {
          released.push(device)
        },
      }
      return session
    },
  }
  return { p, released, created }
}

const choice = (over: Partial<DeviceChoice> = {}): DeviceChoice => ({
  device: 'auto',
  fallback: true,
  threads: undefined,
  workers: 0,
  sessionOptions: {},
  ...over,
})

afterEach(() => vi.restoreAllMocks())

describe('openOnDevice', () => {
  it('auto keeps the first device that creates a session and runs the probe, recording why each earlier one was skipped', async () => {
    const { p, released, created } = platform({ cuda: 'no CUDA provider installed', webgpu: 'create', cpu: 'ok' })
    const opened = await openOnDevice(p, bytes, model, choice())
    expect(opened.device).toBe('cpu')
    expect(opened.fallbacks).toEqual([
      { device: 'cuda', reason: 'no CUDA provider installed' },
      { device: 'webgpu', reason: 'webgpu has no adapter' },
    ])
    expect(created).toEqual(['webgpu', 'cpu']) // cuda was known-unavailable: never tried
    expect(released).toEqual([])
  })

  it('a device whose probe fails is released and skipped', async () => {
    const { p, released } = platform({ cuda: 'probe', webgpu: 'ok' })
    const opened = await openOnDevice(p, bytes, model, choice())
    expect([opened.device, opened.fallbacks]).toEqual(['webgpu', [{ device: 'cuda', reason: 'cuda kernel missing' }]])
    expect(released).toEqual(['cuda'])
  })

  it('an explicit device that works is used, with no fallbacks', async () => {
    const { p } = platform({ webgpu: 'ok' })
    expect(await openOnDevice(p, bytes, model, choice({ device: 'webgpu' }))).toMatchObject({ device: 'webgpu', fallbacks: [] })
  })

  it('an explicit device that cannot run falls back to the last device with one warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { p } = platform({ webgpu: 'create', cpu: 'ok' })
    const opened = await openOnDevice(p, bytes, model, choice({ device: 'webgpu' }))
    expect([opened.device, opened.fallbacks]).toEqual(['cpu', [{ device: 'webgpu', reason: 'webgpu has no adapter' }]])
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toBe(
      '[gan-sdk] device "webgpu" is unavailable (webgpu has no adapter); running on cpu. Load with fallback: false to make this an error.',
    )
  })

  it('with fallback: false, an explicit device that cannot run is ERR_DEVICE_UNAVAILABLE naming the cause and the fix', async () => {
    const { p } = platform({ webgpu: 'create', cpu: 'ok' })
    const err = await rejectionOf(openOnDevice(p, bytes, model, choice({ device: 'webgpu', fallback: false })))
    expect(err.code).toBe('ERR_DEVICE_UNAVAILABLE')
    expect(err.message).toBe(
      '[gan-sdk] device "webgpu" is unavailable: webgpu has no adapter. Fix webgpu; or load with device: \'auto\', or without fallback: false, to run on cpu.',
    )
  })

  it('a device the platform does not offer is unavailable, with the platform’s reason', async () => {
    const { p } = platform({ dml: 'DirectML runs on Windows only' })
    const err = await rejectionOf(openOnDevice(p, bytes, model, choice({ device: 'dml', fallback: false })))
    expect(err.message).toMatch(/^\[gan-sdk\] device "dml" is unavailable: DirectML runs on Windows only\. Fix dml;/)
  })

  it('a model that fails on the last device too fails with that device’s error, not a device error', async () => {
    const { p } = platform({ cuda: 'create', webgpu: 'create', cpu: 'create' })
    const created = await openOnDevice(p, bytes, model, choice()).catch((e: unknown) => e)
    expect(created).toBeInstanceOf(GanError)
    expect((created as GanError).code).toBe('ERR_INFERENCE')
    expect((created as GanError).message).toBe('[gan-sdk] the model failed its first run on cpu: cpu has no adapter')
    const failing = platform({ cpu: 'create' }, ['cpu']).p
    failing.createSession = async () => {
      throw new GanError('ERR_MODEL_FORMAT', 'onnxruntime could not load the model')
    }
    expect((await rejectionOf(openOnDevice(failing, bytes, model, choice({ device: 'cpu' })))).code).toBe('ERR_MODEL_FORMAT')
  })
})

describe('fallback reasons', () => {
  it('are the runtime’s own words, without gan-sdk’s wrapper or onnxruntime’s source location', async () => {
    const { p } = platform({ webgpu: 'ok', cpu: 'ok' }, ['webgpu', 'cpu'])
    p.createSession = async (_b, _m, device) => {
      if (device === 'webgpu') {
        const ort = new Error(
          '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const Config&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters.\n',
        )
        throw new GanError('ERR_MODEL_FORMAT', 'onnxruntime could not load the model: …', { cause: ort })
      }
      return { run: async (_l, batch) => new Float32Array(batch * 4), release: async () => {} }
    }
    const opened = await openOnDevice(p, bytes, model, choice())
    expect(opened.fallbacks).toEqual([{ device: 'webgpu', reason: 'Failed to get a WebGPU adapter: No supported adapters' }])
  })
})
