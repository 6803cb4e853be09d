import * as tf from '@tensorflow/tfjs-core'
// Training differentiates through every op. tfjs-layers registers all op gradients in both its
// ESM and Node builds; tfjs-core's own register_all_gradients is extensionless ESM Node can't load.
import '@tensorflow/tfjs-layers'
import { describeValue } from 'gan-sdk/core'
import { TrainError } from '../errors.js'
import { registerWasmKernels, type WasmKernelOptions, type WasmKernelReport } from './wasm-kernels.js'

/** TF.js backends the trainer can run on, fastest first. */
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu'
export type BackendPreference = BackendName | 'auto'
export const BACKEND_NAMES: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']

/**
 * What `auto` tries, in order. Pure-JS `cpu` is left out: it is ~100× too slow to train, so it
 * runs only when asked for by name.
 */
export const AUTO_LADDER: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm']

export interface BackendSelection {
  name: BackendName
  /** Backends tried before `name`, with why each was skipped. */
  tried: Array<{ name: BackendName; error: string }>
  /** On wasm: the kernels that train convolutions and products. */
  kernels?: WasmKernelReport
}

const FIX: Record<BackendName, string> = {
  'tfjs-node-gpu': 'npm i @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA 11.2 + cuDNN 8.1 on Linux x64)',
  'tfjs-node': 'npm i @tensorflow/tfjs-node@4.22.0',
  wasm: 'reinstall @tensorflow/tfjs-backend-wasm@4.22.0',
  cpu: 'reinstall @tensorflow/tfjs-backend-cpu@4.22.0',
}

/** For a backend that is installed but failed to start. */
const REPAIR: Record<BackendName, string> = {
  'tfjs-node-gpu': 'npm rebuild @tensorflow/tfjs-node-gpu, and check that CUDA 11.2 + cuDNN 8.1 libraries are on LD_LIBRARY_PATH',
  'tfjs-node': 'npm rebuild @tensorflow/tfjs-node (its native binding downloads libtensorflow at install time)',
  wasm: `${FIX.wasm}; a bundle must keep it external (it loads its .wasm files from its own folder) or call setWasmPaths()`,
  cpu: FIX.cpu,
}

/**
 * Pick and activate a TF.js backend. tfjs-node(-gpu) are optional peers, imported only here at run
 * time, so installing the trainer never depends on them.
 *
 * @param preference `auto` walks {@link AUTO_LADDER}; a name forces that backend or throws. @default 'auto'
 * @param options used only when the wasm backend is activated.
 * @throws TrainError `ERR_BACKEND` naming each backend tried, why it failed and how to fix it;
 *   `ERR_INVALID_OPTION` for an unknown name.
 */
export async function selectBackend(preference: BackendPreference = 'auto', options: WasmKernelOptions = {}): Promise<BackendSelection> {
  if (preference !== 'auto' && !BACKEND_NAMES.includes(preference)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `unknown backend ${describeValue(preference)}. Use one of: auto, ${BACKEND_NAMES.join(', ')}.`,
    )
  }
  const ladder = preference === 'auto' ? AUTO_LADDER : [preference]
  const tried: BackendSelection['tried'] = []
  for (const name of ladder) {
    try {
      const kernels = await activate(name, options)
      return { name, tried, ...(kernels ? { kernels } : {}) }
    } catch (err) {
      tried.push({ name, error: describe(err) })
    }
  }
  const report = tried
    .map((t) => `  ${t.name}: ${t.error}\n    fix: ${t.error === NOT_INSTALLED ? FIX[t.name] : REPAIR[t.name]}`)
    .join('\n')
  throw new TrainError(
    'ERR_BACKEND',
    `no TF.js backend could start (${preference === 'auto' ? `tried ${ladder.join(' → ')}` : `asked for ${preference}`}):\n${report}`,
  )
}

async function activate(name: BackendName, options: WasmKernelOptions): Promise<WasmKernelReport | undefined> {
  // Module names are held in variables so bundlers leave the optional peers alone.
  const modules: Record<BackendName, { module: string; backend: string }> = {
    'tfjs-node-gpu': { module: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow' },
    'tfjs-node': { module: '@tensorflow/tfjs-node', backend: 'tensorflow' },
    wasm: { module: '@tensorflow/tfjs-backend-wasm', backend: 'wasm' },
    cpu: { module: '@tensorflow/tfjs-backend-cpu', backend: 'cpu' },
  }
  const { module, backend } = modules[name]
  try {
    await import(module)
  } catch (err) {
    throw isMissing(err, module) ? new Error(NOT_INSTALLED) : err
  }
  if (tf.findBackendFactory(backend) === null) {
    throw new Error(
      `${module} loaded but registered no "${backend}" backend with this @tensorflow/tfjs-core (${tf.version_core}); install versions that match it`,
    )
  }
  const kernels = name === 'wasm' ? registerWasmKernels(options) : undefined
  if (!(await tf.setBackend(backend)))
    throw new Error(`tf.setBackend("${backend}") failed; the TF.js warning printed above gives the cause`)
  await tf.ready()
  return kernels
}

const NOT_INSTALLED = 'not installed'

/**
 * True only when the package itself is absent. An installed tfjs-node whose native binding is
 * missing also throws "Cannot find module", but for the .node file: that needs a rebuild, not an install.
 * Node says `Cannot find package '<name>'`, Vite (vitest) says `Could not resolve "<name>"`.
 */
function isMissing(err: unknown, module: string): boolean {
  return new RegExp(`(Cannot find (module|package)|Could not resolve) ['"]${module}['"]`).test(messageOf(err))
}

function describe(err: unknown): string {
  return messageOf(err).split('\n')[0]!
}

// The wasm backend rejects with a plain `{ message }` object when it cannot load its .wasm file.
function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) return String(err.message)
  return String(err)
}
