import * as ort from 'onnxruntime-web/webgpu'
import { BUNDLED_MODEL_URL, bundledModel } from '../bundled-model.js'
import { createDefaultGenerate } from '../core/default-generator.js'
import { GeneratorBase } from '../core/generator.js'
import type { LoadOptions } from '../core/options.js'
import { createOrtSessionFactory } from '../core/ort-session.js'
import type { ModelSource, Runtime } from '../core/runtime.js'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import { BROWSER_AUTO_DEVICES, browserDeviceFix, browserDeviceUnavailable, wasmThreads } from './devices.js'
import { fetchModel } from './read-model.js'
import { browserWorkerPort } from './worker-port.js'
import { WorkerPool } from '../core/worker-pool.js'
import { createWorkerOrt, type SessionRequest, type WireTensor } from '../core/worker-ort.js'

/** Load options of the browser build: the shared ones, and where onnxruntime-web's files are served. */
export interface BrowserLoadOptions extends Omit<LoadOptions, 'workers'> {
  /**
   * Run the model in a Web Worker, so that generation never blocks the page; the images are the same.
   * Bundlers that understand `new Worker(new URL(…, import.meta.url))` (Vite, webpack, Parcel) bundle
   * the worker with the page. @default false
   */
  worker?: boolean
  /**
   * URL of the folder that serves onnxruntime-web's `.wasm` and `.mjs` files (its `dist/`), passed to
   * onnxruntime-web as `env.wasm.wasmPaths`. Set once per page: the first load's value is kept.
   * @default onnxruntime-web's own: next to the bundle (bundlers that copy the files need nothing)
   */
  wasmPaths?: string
}

const platform = () => ({
  hasWebGpu: typeof navigator !== 'undefined' && 'gpu' in navigator,
  crossOriginIsolated: typeof globalThis.crossOriginIsolated === 'boolean' && globalThis.crossOriginIsolated,
  hardwareConcurrency: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1,
})

const inPage = createOrtSessionFactory(ort)
/** A session in a Web Worker, with the page's onnxruntime-web settings. */
const inWorker = createOrtSessionFactory(
  createWorkerOrt(ort.Tensor, (model, options) =>
    WorkerPool.start<SessionRequest, Record<string, WireTensor>>(
      () =>
        browserWorkerPort(new Worker(new URL('./session-worker.browser.js', import.meta.url), { type: 'module' }), {
          model,
          options,
          wasmPaths: ort.env.wasm.wasmPaths,
          numThreads: ort.env.wasm.numThreads,
        }),
      1,
    ),
  ),
)

function runtimeFor(worker: boolean): Runtime {
  return {
    readModel: fetchModel,
    auto: BROWSER_AUTO_DEVICES,
    unavailable: (device) => browserDeviceUnavailable(device, platform()),
    fix: browserDeviceFix,
    // onnxruntime-web takes its thread count from env, not from session options.
    createSession: (bytes, model, device, settings) =>
      (worker ? inWorker : inPage)(bytes, model, device, { ...settings, threads: undefined }),
  }
}

/** A GAN generator running in the browser on onnxruntime-web: WebGPU, or WebAssembly on the CPU. */
export class Generator extends GeneratorBase {
  /**
   * Load a generator: a bundled model by name (`'mnist'`, `'emoji'`), a URL, or the bytes (e.g. from a dropped
   * file); with no model, the bundled MNIST digits (a URL your bundler resolves).
   * @example const g = await Generator.load('/models/my-gan.onnx', { device: 'auto' })
   */
  static async load(model: ModelSource = BUNDLED_MODEL_URL, options: BrowserLoadOptions = {}): Promise<Generator> {
    const { wasmPaths, worker = false, ...shared } = options
    if (typeof worker !== 'boolean')
      throw new GanError(
        'ERR_INVALID_OPTION',
        `worker ${describeValue(worker)} is invalid: pass true (run the model in a Web Worker) or false.`,
      )
    if ((shared as LoadOptions).workers !== undefined) {
      throw new GanError(
        'ERR_INVALID_OPTION',
        'workers is an option of the Node build: in a browser, load gan-sdk inside a Web Worker to keep the page responsive.',
      )
    }
    if (wasmPaths !== undefined) {
      if (typeof wasmPaths !== 'string' || wasmPaths === '')
        throw new GanError(
          'ERR_INVALID_OPTION',
          `wasmPaths ${describeValue(wasmPaths)} is invalid: pass the URL of the folder serving onnxruntime-web's dist/ files, e.g. '/ort/'.`,
        )
      ort.env.wasm.wasmPaths ??= wasmPaths
    }
    ort.env.wasm.numThreads = wasmThreads(platform(), options.threads)
    return new Generator(await GeneratorBase.open(runtimeFor(worker), bundledModel(model) ?? model, shared))
  }

  /** WebAssembly threads onnxruntime-web uses: more than one only on a cross-origin isolated page. */
  static get wasmThreads(): number {
    return ort.env.wasm.numThreads ?? 1
  }
}

/** One image from the bundled MNIST model, loaded on the first call and shared by all later ones. */
export const generate = createDefaultGenerate(() => Generator.load())
