import type { LatentDistribution } from 'gan-sdk/contract'
import { ExportError } from './errors.js'
import type { ExportEvent } from './events.js'

/** Options of {@link exportOnnx}. Contract fields override what gan.json declares or the model implies. */
export interface ExportOptions {
  /** Write the model here (atomically). Without it, only the bytes are returned. */
  out?: string
  /** Compare ONNX Runtime against TF.js on fixed latents and fail above `tolerance`. @default true */
  verify?: boolean
  /** Largest allowed max |ONNX − TF.js| over the verification batch. @default 1e-4 */
  tolerance?: number
  /** @default gan.json `name`, else the model's name */
  name?: string
  /** SPDX licence of the weights. @default gan.json `license`, else 'unknown' */
  license?: string
  /** @default gan.json-derived text */
  description?: string
  /** Class labels (conditional models). @default gan.json `labels`, else [] */
  labels?: readonly string[]
  /** Output value range. @default gan.json `range`, else from the last activation (tanh → [-1, 1], sigmoid → [0, 1]) */
  range?: readonly [number, number]
  /** @default gan.json `latentDistribution`, else 'normal' */
  latentDistribution?: LatentDistribution
  onEvent?: (event: ExportEvent) => void
}

export interface ResolvedExportOptions {
  out: string | undefined
  verify: boolean
  tolerance: number
  overrides: Pick<ExportOptions, 'name' | 'license' | 'description' | 'labels' | 'range' | 'latentDistribution'>
  onEvent: (event: ExportEvent) => void
}

/** Validate loose input into complete options; never mutates `input`. */
export function resolveExportOptions(input: ExportOptions = {}): ResolvedExportOptions {
  const tolerance = input.tolerance ?? 1e-4
  if (typeof tolerance !== 'number' || !(tolerance > 0) || !Number.isFinite(tolerance)) {
    throw new ExportError('ERR_INVALID_OPTION', `tolerance must be a positive number, got ${JSON.stringify(input.tolerance)}.`)
  }
  if (input.out !== undefined && (typeof input.out !== 'string' || input.out.length === 0)) {
    throw new ExportError('ERR_INVALID_OPTION', `out must be a file path, got ${JSON.stringify(input.out)}.`)
  }
  if (input.range !== undefined) {
    const [lo, hi] = input.range
    if (input.range.length !== 2 || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo! < hi!)) {
      throw new ExportError('ERR_INVALID_OPTION', `range must be [min, max] with min < max, got ${JSON.stringify(input.range)}.`)
    }
  }
  if (input.latentDistribution !== undefined && input.latentDistribution !== 'normal' && input.latentDistribution !== 'uniform') {
    throw new ExportError('ERR_INVALID_OPTION', `latentDistribution must be normal or uniform, got ${JSON.stringify(input.latentDistribution)}.`)
  }
  const overrides: ResolvedExportOptions['overrides'] = {}
  for (const key of ['name', 'license', 'description', 'labels', 'range', 'latentDistribution'] as const) {
    if (input[key] !== undefined) Object.assign(overrides, { [key]: Array.isArray(input[key]) ? [...(input[key] as unknown[])] : input[key] })
  }
  return { out: input.out, verify: input.verify ?? true, tolerance, overrides, onEvent: input.onEvent ?? (() => {}) }
}
