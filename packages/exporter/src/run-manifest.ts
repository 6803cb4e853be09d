import type { LatentDistribution } from 'gan-sdk/core'
import { ExportError } from './errors.js'

/** The run manifest our trainer writes next to its checkpoints. */
export const RUN_MANIFEST_FILE = 'gan.json'

/**
 * What the exporter takes from a training run's gan.json: the fields that fill the model contract
 * (every one optional; what is absent is inferred from the model) and where the generator lives.
 */
export interface RunManifest {
  /** Directory of the generator's model.json, relative to the run directory. */
  generator: string
  name?: string
  license?: string
  dataset?: string
  labels?: string[]
  range?: [number, number]
  latentDistribution?: LatentDistribution
  latentSize?: number
  width?: number
  height?: number
  channels?: number
  layout?: string
  steps?: number
  emaDecay?: number
}

/** Parse and type-check gan.json; `path` only names the file in errors. */
export function parseRunManifest(text: string, path: string): RunManifest {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new ExportError(
      'ERR_INPUT',
      `${path} is not valid JSON (${(err as Error).message}). Fix or delete it; without gan.json the contract is inferred from the model.`,
      { cause: err },
    )
  }
  if (raw === null || typeof raw !== 'object' || (raw as { format?: unknown }).format !== 'gan-sdk-run') {
    throw new ExportError(
      'ERR_INPUT',
      `${path} is not a gan-sdk run manifest (expected "format": "gan-sdk-run"). Pass the model directory (with model.json) instead.`,
    )
  }
  const m = raw as Record<string, unknown>
  const bad = (field: string, expected: string): never => {
    throw new ExportError(
      'ERR_INPUT',
      `${path}: "${field}" is ${JSON.stringify(m[field])}; expected ${expected}. Fix the manifest or pass the value as an export option.`,
    )
  }
  if (m['version'] !== undefined && m['version'] !== 1) {
    bad('version', '1 (this exporter reads run manifests of version 1; upgrade @gan-sdk/exporter)')
  }
  const out: RunManifest = { generator: 'generator' }
  const str = (field: 'generator' | 'name' | 'license' | 'dataset' | 'layout') => {
    const v = m[field]
    if (v === undefined) return
    if (typeof v !== 'string' || v === '') bad(field, 'a non-empty string')
    out[field] = v as string
  }
  const int = (field: 'latentSize' | 'width' | 'height' | 'channels' | 'steps') => {
    const v = m[field]
    if (v === undefined) return
    if (!Number.isInteger(v) || (v as number) < (field === 'steps' ? 0 : 1))
      bad(field, field === 'steps' ? 'a non-negative integer' : 'a positive integer')
    out[field] = v as number
  }
  for (const field of ['generator', 'name', 'license', 'dataset', 'layout'] as const) str(field)
  for (const field of ['latentSize', 'width', 'height', 'channels', 'steps'] as const) int(field)
  if (m['emaDecay'] !== undefined) {
    if (typeof m['emaDecay'] !== 'number' || !(m['emaDecay'] >= 0 && m['emaDecay'] < 1)) bad('emaDecay', 'a number in [0, 1)')
    out.emaDecay = m['emaDecay'] as number
  }
  if (m['labels'] !== undefined) {
    if (!Array.isArray(m['labels']) || !m['labels'].every((l) => typeof l === 'string')) bad('labels', 'an array of strings')
    out.labels = [...(m['labels'] as string[])]
  }
  if (m['range'] !== undefined) {
    const r = m['range']
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'number' && Number.isFinite(x)) || !(r[0] < r[1]))
      bad('range', '[min, max] with min < max')
    out.range = [(r as number[])[0]!, (r as number[])[1]!]
  }
  if (m['latentDistribution'] !== undefined) {
    if (m['latentDistribution'] !== 'normal' && m['latentDistribution'] !== 'uniform') bad('latentDistribution', '"normal" or "uniform"')
    out.latentDistribution = m['latentDistribution'] as LatentDistribution
  }
  return out
}
