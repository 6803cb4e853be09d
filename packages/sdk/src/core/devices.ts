import { GanError } from './errors.js'
import type { ModelInfo } from './model-info.js'
import type { Device, RunDevice } from './device-names.js'
import type { InferenceSessionLike } from './session.js'

export { DEVICES, type Device, type RunDevice } from './device-names.js'

/** A device that was tried and not kept, with why. */
export interface DeviceFallback {
  device: RunDevice
  reason: string
}

/** Session settings that apply on every device. */
export interface SessionSettings {
  /** Threads of one model run (onnxruntime's `intraOpNumThreads`); undefined lets the platform choose. */
  threads: number | undefined
  /** Worker threads that run the model (0: the calling thread). */
  workers: number
  /** Passed to onnxruntime as they are, after gan-sdk's own (execution providers excepted). */
  sessionOptions: Readonly<Record<string, unknown>>
}

/** What a platform entry tells the core about its devices. */
export interface DevicePlatform {
  /** Devices the platform runs, in the order `auto` tries them. The last always exists (Node: cpu, browser: wasm). */
  readonly auto: readonly RunDevice[]
  /** Why `device` cannot run here, known before trying it (not built into this onnxruntime, no driver); undefined when it may. */
  unavailable(device: RunDevice): string | undefined
  /** What to do to get `device` working, for error messages. */
  fix(device: RunDevice): string
  createSession(bytes: Uint8Array, model: ModelInfo, device: RunDevice, settings: SessionSettings): Promise<InferenceSessionLike>
}

/** A session on the device that works, and the devices tried before it. */
export interface DeviceSession {
  session: InferenceSessionLike
  device: RunDevice
  fallbacks: DeviceFallback[]
}

export interface DeviceChoice extends SessionSettings {
  device: Device
  /** When an explicitly requested device cannot run: fall back to the platform's last device (with one warning) or throw. */
  fallback: boolean
}

/**
 * Open a session on the requested device. `auto` tries the platform's devices in order and keeps
 * the first that creates a session and runs a one-row probe; an explicit device that fails falls
 * back to the platform's last device with one `console.warn`, or, with `fallback: false`, throws
 * `ERR_DEVICE_UNAVAILABLE` naming the cause and the fix. A model that fails on the last device too
 * is the model's fault: that error (`ERR_MODEL_FORMAT`, …) is thrown as it is.
 */
export async function openOnDevice(
  platform: DevicePlatform,
  bytes: Uint8Array,
  model: ModelInfo,
  choice: DeviceChoice,
): Promise<DeviceSession> {
  const last = platform.auto.at(-1)!
  if (choice.device !== 'auto' && choice.device !== last && !platform.auto.includes(choice.device)) {
    const reason = platform.unavailable(choice.device) ?? `this platform runs ${platform.auto.join(', ')}`
    return fallBack(platform, bytes, model, choice, { device: choice.device, reason })
  }
  const ladder = choice.device === 'auto' ? platform.auto : [choice.device]
  const fallbacks: DeviceFallback[] = []
  for (const device of ladder) {
    const attempt = await tryDevice(platform, bytes, model, device, choice, device === last)
    if ('session' in attempt) return { session: attempt.session, device, fallbacks }
    fallbacks.push(attempt)
  }
  if (choice.device === 'auto') throw new Error(`unreachable: the last device (${last}) either runs or throws`)
  return fallBack(platform, bytes, model, choice, fallbacks[0]!)
}

async function fallBack(
  platform: DevicePlatform,
  bytes: Uint8Array,
  model: ModelInfo,
  choice: DeviceChoice,
  failed: DeviceFallback,
): Promise<DeviceSession> {
  const last = platform.auto.at(-1)!
  if (!choice.fallback) {
    throw new GanError(
      'ERR_DEVICE_UNAVAILABLE',
      `device "${failed.device}" is unavailable: ${failed.reason}. ${platform.fix(failed.device)}; or load with device: 'auto', or without fallback: false, to run on ${last}.`,
    )
  }
  console.warn(
    `[gan-sdk] device "${failed.device}" is unavailable (${failed.reason}); running on ${last}. Load with fallback: false to make this an error.`,
  )
  const attempt = await tryDevice(platform, bytes, model, last, choice, true)
  if (!('session' in attempt)) throw new Error(`unreachable: the last device (${last}) either runs or throws`)
  return { session: attempt.session, device: last, fallbacks: [failed] }
}

/** A session that ran the probe, or why not; on the last device, failures are thrown instead. */
async function tryDevice(
  platform: DevicePlatform,
  bytes: Uint8Array,
  model: ModelInfo,
  device: RunDevice,
  settings: SessionSettings,
  isLast: boolean,
): Promise<{ session: InferenceSessionLike } | DeviceFallback> {
  const known = isLast ? undefined : platform.unavailable(device)
  if (known !== undefined) return { device, reason: known }
  let session: InferenceSessionLike | undefined
  try {
    session = await platform.createSession(bytes, model, device, settings)
    const batch = model.fixedBatch ?? 1
    const labels = model.contract.labelInput === undefined ? undefined : new Int32Array(batch)
    const output = await session.run(new Float32Array(batch * model.contract.latentSize), batch, labels)
    if (output.some(Number.isNaN)) {
      // NaN pixels would silently become black images.
      throw new GanError(
        'ERR_MODEL_CORRUPT',
        `the model outputs NaN on ${device} (for an all-zero latent): its weights are broken. Export it again.`,
      )
    }
    return { session }
  } catch (err) {
    await session?.release().catch(() => {})
    if (isLast) {
      if (err instanceof GanError) throw err
      throw new GanError('ERR_INFERENCE', `the model failed its first run on ${device}: ${messageOf(err)}`, { cause: err })
    }
    // Without its full stop: the reason is quoted inside gan-sdk's own sentences.
    return { device, reason: messageOf(err).replace(/\.+$/, '') }
  }
}

/**
 * Why a device failed, in one line: the runtime's own message (not gan-sdk's "could not load the
 * model" wrapper), without onnxruntime's source location and failed-check preamble.
 */
function messageOf(err: unknown): string {
  const root = err instanceof GanError && err.cause instanceof Error ? err.cause : err
  const text = root instanceof GanError ? root.detail : root instanceof Error ? root.message : String(root)
  const line = text.split('\n')[0]!.trim()
  return line.replace(/^\/\S+:\d+ .*? was false\. /, '')
}
