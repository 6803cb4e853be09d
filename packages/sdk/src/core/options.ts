import { LATENT_DISTRIBUTIONS, LAYOUTS, type LatentDistribution, type Layout, type ModelContract } from './model-contract.js'
import { DEVICES, type Device } from './device-names.js'
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'

/**
 * Options of `Generator.load`. Each one overrides what the model's `gan.*` metadata declares, or
 * what is inferred from the graph for foreign models without metadata (docs/model-format.md).
 */
export interface LoadOptions {
  /** Latent length. @default the model's `gan.latent_size`, else the input's second dimension */
  latentSize?: number
  /** Distribution latents are drawn from (docs/seeds.md). @default the model's `gan.latent_distribution`, else `'normal'` */
  latentDistribution?: LatentDistribution
  /** Memory layout of the output. @default the model's `gan.output_layout`, else inferred from the output shape */
  layout?: Layout
  /** Output values mapped to bytes 0 and 255. @default the model's `gan.output_range`, else `[-1, 1]` (tanh) */
  range?: readonly [number, number]
  /** Graph input fed with latents. @default the model's `gan.input_name`, else its only non-initializer input */
  inputName?: string
  /** Graph output read as images. @default the model's `gan.output_name`, else its only output */
  outputName?: string
  /** Image width, for outputs with a symbolic width. @default the model's `gan.width`, else the output shape's */
  width?: number
  /** Image height, for outputs with a symbolic height. @default the model's `gan.height`, else the output shape's */
  height?: number
  /** Class names of a conditional model, by index. @default the model's `gan.labels` */
  labels?: readonly string[]
  /** Graph input that takes class indices (int64 `[batch]`), for foreign conditional models. @default the model's `gan.label_input` */
  labelInput?: string
  /**
   * Where the model runs. `auto` tries the platform's devices in order (Node: cuda → dml on Windows /
   * coreml on macOS → webgpu → cpu) and keeps the first that creates a session and runs a one-row
   * probe; `generator.device` says which, `generator.fallbacks` why the others were skipped.
   * @default 'auto'
   */
  device?: Device
  /** When an explicit `device` cannot run: fall back to cpu with one warning (true), or throw ERR_DEVICE_UNAVAILABLE (false). @default true */
  fallback?: boolean
  /** Threads of one model run (onnxruntime's `intraOpNumThreads`). @default onnxruntime's choice (the physical cores) */
  threads?: number
  /**
   * Run the model in this many worker threads (Node: worker_threads), each with its own session, so
   * generation never blocks the event loop; 0 runs it on the calling thread. Each worker's runs use
   * `threads` threads, by default the cores divided among the workers. Same images either way.
   * Node's `webgpu` takes at most one worker: its runs take turns across the process.
   * @default 0
   */
  workers?: number
  /** onnxruntime session options, passed as they are after gan-sdk's own; choose the device with `device`, not `executionProviders`. @default {} */
  sessionOptions?: Readonly<Record<string, unknown>>
}

/** The most worker threads one generator may start. */
export const MAX_WORKERS = 64

/** The load options that set a model contract field (and so replace what the metadata says). */
export const CONTRACT_OPTIONS = [
  'latentSize',
  'latentDistribution',
  'layout',
  'range',
  'inputName',
  'outputName',
  'width',
  'height',
  'labels',
  'labelInput',
] as const satisfies ReadonlyArray<keyof LoadOptions & keyof ModelContract>

const KEYS = [...CONTRACT_OPTIONS, 'device', 'fallback', 'threads', 'workers', 'sessionOptions'] as const satisfies ReadonlyArray<
  keyof LoadOptions
>

/**
 * Validate load options from untyped callers (JavaScript, CLI flags). Returns a new object holding
 * only the options given: the defaults come from the model, so they are resolved when it is read.
 * Never mutates `input`.
 */
export function resolveLoadOptions(input: unknown = {}): LoadOptions {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`load options ${describeValue(input)} are not an object`, `pass an object with any of: ${KEYS.join(', ')}`)
  }
  const given = input as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(KEYS as readonly string[]).includes(key))
      throw invalid(`load option ${describeValue(key)} is unknown`, `valid options are: ${KEYS.join(', ')}`)
  }
  const out: LoadOptions = {}
  for (const key of ['latentSize', 'width', 'height', 'threads'] as const) {
    const v = given[key]
    if (v === undefined) continue
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      throw invalid(`${key} ${describeValue(v)} is invalid`, 'pass a positive integer')
    out[key] = v
  }
  const distribution = oneOf('latentDistribution', given['latentDistribution'], LATENT_DISTRIBUTIONS)
  if (distribution !== undefined) out.latentDistribution = distribution
  const layout = oneOf('layout', given['layout'], LAYOUTS)
  if (layout !== undefined) out.layout = layout
  const range = given['range']
  if (range !== undefined) {
    const [lo, hi] = Array.isArray(range) ? (range as unknown[]) : []
    if (
      !Array.isArray(range) ||
      range.length !== 2 ||
      typeof lo !== 'number' ||
      typeof hi !== 'number' ||
      !Number.isFinite(lo) ||
      !Number.isFinite(hi) ||
      lo >= hi
    ) {
      throw invalid(
        `range ${describeValue(range)} is invalid`,
        'pass [min, max] with finite min < max, e.g. [-1, 1] for tanh or [0, 1] for sigmoid outputs',
      )
    }
    out.range = [lo, hi]
  }
  const labels = given['labels']
  if (labels !== undefined) {
    if (
      !Array.isArray(labels) ||
      labels.length === 0 ||
      !labels.every((l) => typeof l === 'string' && l !== '') ||
      new Set(labels).size !== labels.length
    ) {
      throw invalid(
        `labels ${describeValue(labels)} are invalid`,
        'pass the class names by index, distinct non-empty strings, e.g. ["cat", "dog"]',
      )
    }
    out.labels = Object.freeze([...(labels as string[])])
  }
  for (const key of ['inputName', 'outputName', 'labelInput'] as const) {
    const v = given[key]
    if (v === undefined) continue
    if (typeof v !== 'string' || v.length === 0)
      throw invalid(`${key} ${describeValue(v)} is invalid`, "pass the name of one of the graph's tensors")
    out[key] = v
  }
  const device = oneOf('device', given['device'], DEVICES)
  if (device !== undefined) out.device = device
  const workers = given['workers']
  if (workers !== undefined) {
    if (typeof workers !== 'number' || !Number.isSafeInteger(workers) || workers < 0 || workers > MAX_WORKERS) {
      throw invalid(`workers ${describeValue(workers)} is invalid`, `pass an integer from 0 (run on the calling thread) to ${MAX_WORKERS}`)
    }
    out.workers = workers
  }
  const fallback = given['fallback']
  if (fallback !== undefined) {
    if (typeof fallback !== 'boolean') throw invalid(`fallback ${describeValue(fallback)} is invalid`, 'pass true or false')
    out.fallback = fallback
  }
  const sessionOptions = given['sessionOptions']
  if (sessionOptions !== undefined) {
    if (sessionOptions === null || typeof sessionOptions !== 'object' || Array.isArray(sessionOptions)) {
      throw invalid(
        `sessionOptions ${describeValue(sessionOptions)} are not an object`,
        'pass onnxruntime session options, e.g. { enableCpuMemArena: false }',
      )
    }
    if ('executionProviders' in sessionOptions) {
      throw invalid(
        'sessionOptions.executionProviders is not accepted',
        "choose the device with the device option (e.g. device: 'cuda'), which also reports fallbacks",
      )
    }
    out.sessionOptions = { ...(sessionOptions as Record<string, unknown>) }
  }
  return out
}

/** `value` when it is one of `choices`, undefined when absent; anything else is ERR_INVALID_OPTION listing the choices. */
function oneOf<T extends string>(key: string, value: unknown, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if (!choices.includes(value as T)) throw invalid(`${key} ${describeValue(value)} is unknown`, `pass one of: ${choices.join(', ')}`)
  return value as T
}

function invalid(what: string, fix: string): GanError {
  return new GanError('ERR_INVALID_OPTION', `${what}: ${fix}.`)
}
