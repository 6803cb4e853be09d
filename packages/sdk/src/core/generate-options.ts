import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'
import { checkTruncation } from './seed.js'

/** A class of a conditional model: its name (`'cat'`), or its index in `info.labels`. */
export type Label = string | number

/** Options of `generate`. */
export interface GenerateOptions {
  /** The class, for conditional models. @default the seed's own class, `seedToInteger(seed) mod classes` */
  label?: Label
  /** The truncation trick ψ in (0, 1] (docs/seeds.md): smaller is more typical, less varied. @default 1 (off) */
  truncation?: number
  /** Also keep the model's float output for each image (`image.float`). @default false */
  keepFloat?: boolean
}

/** Options of `generateBatch`. */
export interface BatchOptions extends Omit<GenerateOptions, 'label'> {
  /** One class for every seed, or one per seed. @default each seed's own class */
  label?: Label | readonly Label[]
  /** Seeds per session run: bounds memory on large requests. @default 256 */
  batchSize?: number
}

/** Options of `fromLatent` / `fromLatents`. */
export interface LatentImageOptions {
  /** The class, required for conditional models: one for every latent, or one per latent. */
  label?: Label | readonly Label[]
  /** Latents per session run. @default 256 */
  batchSize?: number
  /** Also keep the model's float output for each image (`image.float`). @default false */
  keepFloat?: boolean
}

/** Options of `interpolate`. */
export interface InterpolateOptions {
  /** Great-circle (`slerp`) or straight-line (`lerp`) interpolation between the two latents. @default 'slerp' */
  method?: 'slerp' | 'lerp'
  /** Truncation ψ of both ends' latents. @default 1 */
  truncation?: number
  /** The class of every frame, for conditional models. @default seedA's class, then seedB's from the middle frame on */
  label?: Label
}

/** Seeds (or latents) per session run unless `batchSize` says otherwise. */
export const DEFAULT_BATCH = 256
/** The most frames one `interpolate` call makes. */
export const MAX_STEPS = 10_000

const KEYS = ['label', 'truncation', 'keepFloat', 'batchSize']

type ResolvedGenerateOptions = { label: Label | readonly Label[] | undefined; truncation: number; keepFloat: boolean; batchSize: number }
const DEFAULTS: ResolvedGenerateOptions = Object.freeze({ label: undefined, truncation: 1, keepFloat: false, batchSize: DEFAULT_BATCH })

/** Validate generation options from untyped callers, filling in the defaults. Never mutates `input`. */
export function resolveGenerateOptions(input: unknown = {}): ResolvedGenerateOptions {
  // The common call passes no options: no keys to check (generate()'s per-call cost).
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && Object.keys(input).length === 0) return DEFAULTS
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new GanError('ERR_INVALID_OPTION', `options ${describeValue(input)} are not an object: pass e.g. { truncation: 0.7 }.`)
  }
  const given = input as Record<string, unknown>
  const unknown = Object.keys(given).find((k) => !KEYS.includes(k))
  if (unknown !== undefined)
    throw new GanError('ERR_INVALID_OPTION', `option ${describeValue(unknown)} is unknown: valid options are ${KEYS.join(', ')}.`)
  const { label, truncation = 1, keepFloat = false, batchSize = DEFAULT_BATCH } = given
  checkTruncation(truncation)
  if (typeof keepFloat !== 'boolean')
    throw new GanError('ERR_INVALID_OPTION', `keepFloat ${describeValue(keepFloat)} is invalid: pass true or false.`)
  if (!Number.isSafeInteger(batchSize) || (batchSize as number) < 1) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `batchSize ${describeValue(batchSize)} is invalid: pass a positive integer (seeds per session run).`,
    )
  }
  if (label !== undefined && !isLabel(label) && !(Array.isArray(label) && label.every(isLabel))) {
    throw new GanError('ERR_INVALID_LABEL', `label ${describeValue(label)} is invalid: pass a class name or index, or an array of them.`)
  }
  return { label: label as Label | readonly Label[] | undefined, truncation, keepFloat, batchSize: batchSize as number }
}

function isLabel(value: unknown): value is Label {
  return typeof value === 'string' || typeof value === 'number'
}

/** The index of `label` in `labels`: a name is looked up, a number is an index. */
export function labelIndex(label: Label, labels: readonly string[]): number {
  if (typeof label === 'string') {
    const index = labels.indexOf(label)
    if (index >= 0) return index
  } else if (Number.isSafeInteger(label) && label >= 0 && label < labels.length) {
    return label
  }
  throw new GanError('ERR_INVALID_LABEL', `label ${describeValue(label)} is not a class of this model: pass one of ${labelList(labels)}.`)
}

/** The classes as messages list them: names with their indices. */
export function labelList(labels: readonly string[]): string {
  const shown = labels.slice(0, 20).map((l, i) => `${JSON.stringify(l)} (${i})`)
  return `${shown.join(', ')}${labels.length > 20 ? `, … (${labels.length} classes)` : ''}`
}
