import { describeValue, LATENT_DISTRIBUTIONS, type LatentDistribution, type ModelContract } from 'gan-sdk/core'
import { ExportError } from './errors.js'
import type { ExportEvent } from './events.js'

/** What is exported: the generator (latent → image) or the discriminator (image → logit). */
export type Role = 'generator' | 'discriminator'
export const ROLES: readonly Role[] = ['generator', 'discriminator']

/** How the model is converted: the exporter's own converter, or TensorFlow's tools (tf2onnx), when installed. */
export type Engine = 'native' | 'tf2onnx'
export const ENGINES: readonly Engine[] = ['native', 'tf2onnx']

/** Default tolerance of verification. */
export const FLOAT32_TOLERANCE = 1e-4
/**
 * Default tolerance of verification with float16 weights: their rounding (2⁻¹¹ relative) moves a
 * generator's outputs by 3e-3 (28×28 DCGAN) to 6e-3 (64×64 colour) in bench/optimize.bench.mjs, under
 * one 8-bit level (2/255 ≈ 7.8e-3 on a [-1, 1] range); 2e-2 leaves room for deeper models.
 */
export const FLOAT16_TOLERANCE = 2e-2

/**
 * Options of `exportOnnx()`. The contract fields (`name` … `latentDistribution`) override what the
 * run's gan.json declares, which overrides what is inferred from the model.
 */
export interface ExportOptions {
  /** Write the model to this path, atomically (temp file + rename), creating parent directories. @default undefined (only return the bytes) */
  out?: string
  /** Run the ONNX model in onnxruntime-node and compare it with TF.js `predict` before returning or writing. @default true */
  verify?: boolean
  /** Largest allowed max |ONNX − TF.js| when verifying. @default 1e-4, or 2e-2 with `fp16` */
  tolerance?: number
  /** Export the generator, or the discriminator (a run's `discriminator` directory), with `gan.role` = `discriminator`. @default 'generator' */
  role?: Role
  /**
   * Export a run's checkpoint of this step instead of its last one (gan.json's): one the trainer
   * kept (`keepCheckpoints`). Run directories only. @default undefined (the last checkpoint)
   */
  step?: number
  /** Fold batch norms into the layers before them and drop redundant layout nodes (same outputs, fewer nodes); native engine only. @default true */
  optimize?: boolean
  /** Store the weights as float16 (half the size); inputs, outputs and arithmetic stay float32. Native engine only. @default false */
  fp16?: boolean
  /**
   * `native`: the exporter's converter. `tf2onnx`: TensorFlow's tensorflowjs_converter and tf2onnx,
   * which must be installed (Python); the contract and verification are the same. @default 'native'
   */
  engine?: Engine
  /** Model name (`gan.name`). @default gan.json `name`, else the TF.js model's name */
  name?: string
  /** SPDX licence identifier of the weights (`gan.license`). @default gan.json `license`, else `'unknown'` */
  license?: string
  /** Free-text description (`gan.description`, also the ONNX doc_string). @default a sentence built from gan.json, else a generic one */
  description?: string
  /** Class labels of a conditional model (`gan.labels`). @default gan.json `labels`, else `[]` */
  labels?: readonly string[]
  /** Output value range (`gan.output_range`). @default gan.json `range`, else from the last activation: tanh → [-1, 1], sigmoid/hard_sigmoid → [0, 1] */
  range?: readonly [number, number]
  /** Latent distribution the model was trained with (`gan.latent_distribution`). @default gan.json `latentDistribution`, else `'normal'` */
  latentDistribution?: LatentDistribution
  /** Receives progress events. @default ignore them */
  onEvent?: (event: ExportEvent) => void
}

/** Contract fields the caller may set; anything unset comes from gan.json or the model. */
export type ContractOverrides = Partial<Pick<ModelContract, 'name' | 'license' | 'description' | 'labels' | 'range' | 'latentDistribution'>>

export interface ResolvedExportOptions {
  out: string | undefined
  verify: boolean
  tolerance: number
  role: Role
  step: number | undefined
  optimize: boolean
  fp16: boolean
  engine: Engine
  overrides: ContractOverrides
  onEvent: (event: ExportEvent) => void
}

const KNOWN = [
  'out',
  'verify',
  'tolerance',
  'role',
  'step',
  'optimize',
  'fp16',
  'engine',
  'name',
  'license',
  'description',
  'labels',
  'range',
  'latentDistribution',
  'onEvent',
]

/** Validate loose input (e.g. from JavaScript or a CLI) into complete options; never mutates `input`. */
export function resolveExportOptions(input: ExportOptions = {}): ResolvedExportOptions {
  if (input === null || typeof input !== 'object') invalid('options', input, 'an object')
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key))
      throw new ExportError('ERR_INVALID_OPTION', `unknown option ${describeValue(key)}; known options: ${KNOWN.join(', ')}.`)
  }
  const { out, verify = true, role = 'generator', optimize = true, fp16 = false, engine = 'native', onEvent = () => {} } = input
  const { tolerance = fp16 === true ? FLOAT16_TOLERANCE : FLOAT32_TOLERANCE } = input
  if (out !== undefined && (typeof out !== 'string' || out.length === 0)) invalid('out', out, 'a file path')
  for (const [key, value] of Object.entries({ verify, optimize, fp16 }))
    if (typeof value !== 'boolean') invalid(key, value, 'true or false')
  if (!ROLES.includes(role)) invalid('role', role, `one of ${ROLES.join(', ')}`)
  const { step } = input
  if (step !== undefined && (!Number.isSafeInteger(step) || step < 1)) invalid('step', step, 'the positive step of a kept checkpoint')
  if (!ENGINES.includes(engine)) invalid('engine', engine, `one of ${ENGINES.join(', ')}`)
  if (fp16 && engine !== 'native')
    invalid('fp16', fp16, `false with the ${engine} engine (float16 weights are the native engine's); drop fp16 or the engine`)
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance <= 0)
    invalid('tolerance', tolerance, 'a positive number, e.g. 1e-4')
  if (typeof onEvent !== 'function') invalid('onEvent', onEvent, 'a function')

  const overrides: ContractOverrides = {}
  for (const key of ['name', 'license', 'description'] as const) {
    const v = input[key]
    if (v === undefined) continue
    if (typeof v !== 'string' || (key !== 'description' && v.trim() === '')) invalid(key, v, 'a non-empty string')
    overrides[key] = v
  }
  if (input.labels !== undefined) {
    if (!Array.isArray(input.labels) || !input.labels.every((l) => typeof l === 'string'))
      invalid('labels', input.labels, 'an array of strings')
    overrides.labels = [...input.labels]
  }
  if (input.range !== undefined) {
    const r = input.range as unknown
    const [lo, hi] = Array.isArray(r) ? (r as unknown[]) : []
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      typeof lo !== 'number' ||
      typeof hi !== 'number' ||
      !Number.isFinite(lo) ||
      !Number.isFinite(hi) ||
      lo >= hi
    ) {
      invalid('range', r, '[min, max] with finite min < max, e.g. [-1, 1]')
    }
    overrides.range = [lo, hi]
  }
  if (input.latentDistribution !== undefined) {
    if (!LATENT_DISTRIBUTIONS.includes(input.latentDistribution))
      invalid('latentDistribution', input.latentDistribution, `one of ${LATENT_DISTRIBUTIONS.join(', ')}`)
    overrides.latentDistribution = input.latentDistribution
  }
  return { out, verify, tolerance, role, step, optimize, fp16, engine, overrides, onEvent }
}

function invalid(key: string, value: unknown, expected: string): never {
  throw new ExportError('ERR_INVALID_OPTION', `option ${key} is ${describeValue(value)}; expected ${expected}.`)
}
