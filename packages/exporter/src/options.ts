import { describeValue, LATENT_DISTRIBUTIONS, type LatentDistribution, type ModelContract } from 'gan-sdk/core'
import { ExportError } from './errors.js'
import type { ExportEvent } from './events.js'

/**
 * Options of `exportOnnx()`. The contract fields (`name` … `latentDistribution`) override what the
 * run's gan.json declares, which overrides what is inferred from the model.
 */
export interface ExportOptions {
  /** Write the model to this path, atomically (temp file + rename), creating parent directories. @default undefined (only return the bytes) */
  out?: string
  /** Run the ONNX model in onnxruntime-node and compare it with TF.js `predict` before returning or writing. @default true */
  verify?: boolean
  /** Largest allowed max |ONNX − TF.js| when verifying. @default 1e-4 */
  tolerance?: number
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
  overrides: ContractOverrides
  onEvent: (event: ExportEvent) => void
}

const KNOWN = ['out', 'verify', 'tolerance', 'name', 'license', 'description', 'labels', 'range', 'latentDistribution', 'onEvent']

/** Validate loose input (e.g. from JavaScript or a CLI) into complete options; never mutates `input`. */
export function resolveExportOptions(input: ExportOptions = {}): ResolvedExportOptions {
  if (input === null || typeof input !== 'object') invalid('options', input, 'an object')
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key))
      throw new ExportError('ERR_INVALID_OPTION', `unknown option ${describeValue(key)}; known options: ${KNOWN.join(', ')}.`)
  }
  const { out, verify = true, tolerance = 1e-4, onEvent = () => {} } = input
  if (out !== undefined && (typeof out !== 'string' || out.length === 0)) invalid('out', out, 'a file path')
  if (typeof verify !== 'boolean') invalid('verify', verify, 'true or false')
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
  return { out, verify, tolerance, overrides, onEvent }
}

function invalid(key: string, value: unknown, expected: string): never {
  throw new ExportError('ERR_INVALID_OPTION', `option ${key} is ${describeValue(value)}; expected ${expected}.`)
}
