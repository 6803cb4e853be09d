import * as ort from 'onnxruntime-node'
import { BUNDLED_MODEL_URL, bundledModel } from '../bundled-model.js'
import { createDefaultGenerate } from '../core/default-generator.js'
import { GeneratorBase } from '../core/generator.js'
import type { RunDevice, SessionSettings } from '../core/devices.js'
import type { ModelInfo } from '../core/model-info.js'
import type { LoadOptions } from '../core/options.js'
import { createOrtSessionFactory } from '../core/ort-session.js'
import type { ModelSource, Runtime } from '../core/runtime.js'
import type { InferenceSessionLike } from '../core/session.js'
import { takingTurnsOn, Turns } from '../core/take-turns.js'
import { linuxHasGpuDevice, linuxHasVulkan, nodeAutoDevices, nodeDeviceFix, nodeDeviceUnavailable, ortBindingDir } from './devices.js'
import { readKnownModel, readModelFile } from './read-model.js'
import { WorkerPool } from '../core/worker-pool.js'
import { createWorkerOrt, type SessionRequest, type WireTensor } from '../core/worker-ort.js'
import { nodeWorkerPort } from './worker-port.js'
import { availableParallelism } from 'node:os'

let vulkan: boolean | undefined
let gpu: boolean | undefined
const deviceEnv = {
  platform: process.platform,
  bindingDir: ortBindingDir(),
  hasVulkan: () => (vulkan ??= linuxHasVulkan()),
  hasGpu: () => (gpu ??= linuxHasGpuDevice()),
}

const inThread = createOrtSessionFactory(ort)
// onnxruntime-node's WebGPU provider shares one GPU device between all sessions of the process, and
// work on it from two threads at once crashes it (microsoft/onnxruntime#32561): webgpu sessions
// take turns, in this thread and in their worker.
const webgpuTurns = new Turns()

const nodeRuntime: Runtime = {
  readModel: readModelFile,
  knownModel: readKnownModel,
  auto: nodeAutoDevices(),
  unavailable: (device) => nodeDeviceUnavailable(device, ort.listSupportedBackends(), deviceEnv),
  fix: nodeDeviceFix,
  createSession: takingTurnsOn('webgpu', webgpuTurns, createNodeSession),
}

function createNodeSession(
  bytes: Uint8Array,
  model: ModelInfo,
  device: RunDevice,
  settings: SessionSettings,
): Promise<InferenceSessionLike> {
  if (settings.workers === 0) return inThread(bytes, model, device, settings)
  // Workers share the cores: by default each run gets its share, not all of them.
  const threads = settings.threads ?? Math.max(1, Math.floor(availableParallelism() / settings.workers))
  const workerOrt = createWorkerOrt(ort.Tensor, (model, options) =>
    WorkerPool.start<SessionRequest, Record<string, WireTensor>>(
      () => nodeWorkerPort(new URL('./session-worker.js', import.meta.url), { model, options }),
      settings.workers,
    ),
  )
  return createOrtSessionFactory(workerOrt)(bytes, model, device, { ...settings, threads })
}

/** A GAN generator running on onnxruntime-node: CPU, or a GPU through CUDA, DirectML, CoreML or WebGPU. */
export class Generator extends GeneratorBase {
  /**
   * Load a generator: a bundled model by name (`'mnist'`, `'emoji'`), a `.onnx` path, a file: URL, or the
   * bytes; with no model, the bundled MNIST digits. A bundled name wins over a file of that name in
   * the working directory: write `./mnist` for the file.
   * @example const g = await Generator.load('pytorch-dcgan.onnx', { range: [0, 1] })
   */
  static async load(model: ModelSource = BUNDLED_MODEL_URL, options: LoadOptions = {}): Promise<Generator> {
    return new Generator(await GeneratorBase.open(nodeRuntime, bundledModel(model) ?? model, options))
  }
}

/**
 * One image from the bundled MNIST model. The model is loaded on the first call and shared by all
 * later ones, concurrent first calls included.
 */
export const generate = createDefaultGenerate(() => Generator.load())
