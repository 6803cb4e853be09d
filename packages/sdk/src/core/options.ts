import { LATENT_DISTRIBUTIONS, LAYOUTS, type LatentDistribution, type Layout } from './contract.js'
import { GanError } from './errors.js'

/**
 * Options of `Generator.load`. Everything except `signal`-like runtime choices overrides what the
 * model declares (or what is inferred for foreign models without `gan.*` metadata).
 */
export interface LoadOptions {
  /** Latent length. @default the model's `gan.latent_size`, else the input's second dimension */
  latentSize?: number
  /** @default the model's `gan.latent_distribution`, else `'normal'` */
  latentDistribution?: LatentDistribution
  /** Output layout. @default the model's `gan.output_layout`, else inferred from the output shape */
  layout?: Layout
  /** Output value range mapped to bytes 0–255. @default the model's `gan.output_range`, else `[-1, 1]` (tanh) */
  range?: readonly [number, number]
  /** Graph input fed with latents. @default the model's only non-initializer input */
  inputName?: string
  /** Graph output read as images. @default the model's only output */
  outputName?: string
  /** Image width, for outputs with symbolic sizes. @default the model's */
  width?: number
  /** Image height, for outputs with symbolic sizes. @default the model's */
  height?: number
}

/** Validate loose load options (e.g. from a CLI) into typed ones; never mutates `input`. */
export function resolveLoadOptions(input: unknown = {}): LoadOptions {
  if (input === null || typeof input !== 'object') {
    throw new GanError('ERR_INVALID_OPTION', `load options must be an object, got ${input === null ? 'null' : typeof input}.`)
  }
  const o = input as Record<string, unknown>
  const known = ['latentSize', 'latentDistribution', 'layout', 'range', 'inputName', 'outputName', 'width', 'height']
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new GanError('ERR_INVALID_OPTION', `unknown load option "${key}". Valid options: ${known.join(', ')}.`)
  }
  const out: LoadOptions = {}
  for (const key of ['latentSize', 'width', 'height'] as const) {
    const v = o[key]
    if (v === undefined) continue
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new GanError('ERR_INVALID_OPTION', `${key} must be a positive integer, got ${JSON.stringify(v)}.`)
    }
    out[key] = v
  }
  if (o['latentDistribution'] !== undefined) {
    const v = o['latentDistribution']
    if (!LATENT_DISTRIBUTIONS.includes(v as LatentDistribution)) {
      throw new GanError('ERR_INVALID_OPTION', `latentDistribution ${JSON.stringify(v)} is not one of: ${LATENT_DISTRIBUTIONS.join(', ')}.`)
    }
    out.latentDistribution = v as LatentDistribution
  }
  if (o['layout'] !== undefined) {
    const v = o['layout']
    if (!LAYOUTS.includes(v as Layout)) throw new GanError('ERR_INVALID_OPTION', `layout ${JSON.stringify(v)} is not one of: ${LAYOUTS.join(', ')}.`)
    out.layout = v as Layout
  }
  if (o['range'] !== undefined) {
    const v = o['range']
    const pair: unknown[] = typeof v === 'string' ? v.split(',').map(Number) : Array.isArray(v) ? v : []
    const [lo, hi] = pair
    if (pair.length !== 2 || typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) {
      throw new GanError('ERR_INVALID_OPTION', `range must be [min, max] with finite min < max (e.g. [-1, 1] for tanh, [0, 1] for sigmoid), got ${JSON.stringify(v)}.`)
    }
    out.range = [lo, hi]
  }
  for (const key of ['inputName', 'outputName'] as const) {
    const v = o[key]
    if (v === undefined) continue
    if (typeof v !== 'string' || v.length === 0) throw new GanError('ERR_INVALID_OPTION', `${key} must be a non-empty string, got ${JSON.stringify(v)}.`)
    out[key] = v
  }
  return out
}
