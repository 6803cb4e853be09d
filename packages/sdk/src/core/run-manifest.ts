/**
 * The run manifest: `gan.json`, which `@gan-sdk/trainer` writes beside its checkpoints and
 * `@gan-sdk/exporter` reads to fill the model contract. Documented in docs/model-format.md; this
 * module is its one definition.
 */
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'
import { LATENT_DISTRIBUTIONS, LAYOUTS, type LatentDistribution, type Layout } from './model-contract.js'

/** The manifest's file name in a run directory. */
export const RUN_MANIFEST_FILE = 'gan.json'
/** The `format` field that marks a JSON file as a run manifest. */
export const RUN_MANIFEST_FORMAT = 'gan-sdk-run'
/** Version of the manifest's fields. Readers reject other versions. */
export const RUN_MANIFEST_VERSION = 1

/**
 * What a training run produced. The trainer writes every field; readers need only `format`,
 * `version` and `generator`, and treat the contract fields as declarations to check against the
 * model itself. Paths are relative to the run directory and stay inside it.
 */
export interface RunManifest {
  format: typeof RUN_MANIFEST_FORMAT
  version: typeof RUN_MANIFEST_VERSION
  /** Directory of the generator checkpoint (TF.js `model.json` + `weights.bin`) that is exported. @default 'generator' */
  generator: string
  /** Directory of the discriminator checkpoint. */
  discriminator?: string
  /** Model name, `gan.name` of the export. */
  name?: string
  /** Dataset the run trained on. */
  dataset?: string
  /** SPDX licence of the trained weights, `gan.license` of the export. */
  license?: string
  latentSize?: number
  latentDistribution?: LatentDistribution
  width?: number
  height?: number
  channels?: 1 | 3 | 4
  /** Output value range of the generator. */
  range?: [number, number]
  layout?: Layout
  /** Class labels of a conditional run. */
  labels?: string[]
  /** Optimiser steps the saved checkpoint has had. */
  steps?: number
  batchSize?: number
  /** Decay of the generator weight average that `generator` holds (0: raw weights). */
  emaDecay?: number
  /** TF.js backend the run trained on. */
  backend?: string
  /** Seconds of training so far. */
  elapsedSec?: number
}

type Check = (v: unknown) => boolean
const nonEmptyString: Check = (v) => typeof v === 'string' && v !== ''
const positiveInt: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 1
const nonNegativeInt: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0
const nonNegative: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0
/** A relative path that stays inside the run directory: no `..` segment, not absolute. */
const insideRun: Check = (v) => nonEmptyString(v) && !/^([\\/]|[A-Za-z]:)/.test(v as string) && !(v as string).split(/[\\/]/).includes('..')

const FIELDS: Record<Exclude<keyof RunManifest, 'format' | 'version'>, [Check, string]> = {
  generator: [insideRun, 'a relative path inside the run directory, e.g. "generator"'],
  discriminator: [insideRun, 'a relative path inside the run directory, e.g. "discriminator"'],
  name: [nonEmptyString, 'a non-empty string'],
  dataset: [nonEmptyString, 'a non-empty string'],
  license: [nonEmptyString, 'an SPDX licence identifier'],
  latentSize: [positiveInt, 'a positive integer'],
  latentDistribution: [(v) => LATENT_DISTRIBUTIONS.includes(v as LatentDistribution), `one of ${LATENT_DISTRIBUTIONS.join(', ')}`],
  width: [positiveInt, 'a positive integer'],
  height: [positiveInt, 'a positive integer'],
  channels: [(v) => v === 1 || v === 3 || v === 4, '1, 3 or 4'],
  range: [
    (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && v[0] < v[1],
    '[min, max] with finite min < max',
  ],
  layout: [(v) => LAYOUTS.includes(v as Layout), `one of ${LAYOUTS.join(', ')}`],
  labels: [(v) => Array.isArray(v) && v.every(nonEmptyString), 'an array of non-empty strings'],
  steps: [nonNegativeInt, 'a non-negative integer'],
  batchSize: [positiveInt, 'a positive integer'],
  emaDecay: [(v) => typeof v === 'number' && v >= 0 && v < 1, 'a number in [0, 1)'],
  backend: [nonEmptyString, 'a non-empty string'],
  elapsedSec: [nonNegative, 'a non-negative number'],
}

/**
 * Parse and check `gan.json`'s text. `where` names the file in errors. Unknown fields are kept out
 * of the result (newer trainers may add some); known fields of the wrong type are errors
 * (`ERR_RUN_MANIFEST`) rather than silently wrong contracts.
 */
export function parseRunManifest(text: string, where: string = RUN_MANIFEST_FILE): RunManifest {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new GanError('ERR_RUN_MANIFEST', `${where} is not valid JSON (${(err as Error).message}): fix or delete it.`, { cause: err })
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || (raw as { format?: unknown }).format !== RUN_MANIFEST_FORMAT) {
    throw new GanError(
      'ERR_RUN_MANIFEST',
      `${where} is not a gan-sdk run manifest (expected "format": "${RUN_MANIFEST_FORMAT}"): pass the run directory @gan-sdk/trainer wrote, or the model directory (model.json) itself.`,
    )
  }
  const m = raw as Record<string, unknown>
  const version = m['version'] ?? RUN_MANIFEST_VERSION
  if (version !== RUN_MANIFEST_VERSION) {
    throw new GanError(
      'ERR_RUN_MANIFEST',
      `${where} has "version": ${describeValue(version)}, but this release reads version ${RUN_MANIFEST_VERSION}: upgrade the gan-sdk packages.`,
    )
  }
  const out: RunManifest = { format: RUN_MANIFEST_FORMAT, version: RUN_MANIFEST_VERSION, generator: 'generator' }
  for (const [field, [valid, expected]] of Object.entries(FIELDS)) {
    const value = m[field]
    if (value === undefined) continue
    if (!valid(value)) {
      throw new GanError('ERR_RUN_MANIFEST', `${where}: "${field}" is ${describeValue(value)}; expected ${expected}. Fix the manifest.`)
    }
    ;(out as unknown as Record<string, unknown>)[field] = Array.isArray(value) ? [...value] : value
  }
  return out
}

/** A checkpoint folder of the trainer's layout (`checkpoints/step-NNNNNN/`), as a path segment: `step-NNNNNN/`. */
const CHECKPOINT_SEGMENT = /(^|\/)step-\d+\//

/** The step of a checkpoint folder's name in the trainer's layout (`step-NNNNNN`); undefined for any other name. */
export function checkpointStep(name: string): number | undefined {
  return /^step-\d+$/.test(name) ? Number(name.slice(5)) : undefined
}

/**
 * The manifest of the same run at an earlier checkpoint: gan.json names the last one, and a run
 * trained with `keepCheckpoints` keeps the ones before it in the same layout
 * (`checkpoints/step-NNNNNN/`). Its `steps` is `step`; `elapsedSec`, the last checkpoint's, is
 * left out, and so is a discriminator outside the checkpoint folders. With `kept` (the run
 * directory, for messages, and the names in its checkpoints folder), a step the run did not keep is
 * refused with the steps it kept; without it, whether the folder exists is the caller's to check.
 * @throws GanError `ERR_INVALID_OPTION` for a step that is not a positive integer, a manifest
 *   whose generator is not in a `step-NNNNNN/` folder (not a run of @gan-sdk/trainer), or a step
 *   not among `kept`.
 */
export function runManifestAtStep(manifest: RunManifest, step: number, kept?: { where: string; folders: readonly string[] }): RunManifest {
  if (!Number.isSafeInteger(step) || step < 1)
    throw new GanError('ERR_INVALID_OPTION', `step ${describeValue(step)} is invalid: pass the positive step of a kept checkpoint.`)
  if (!CHECKPOINT_SEGMENT.test(manifest.generator)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `the run's generator (${JSON.stringify(manifest.generator)}) is not in a step-NNNNNN/ checkpoint folder, so it has no other steps to pick: leave out the step.`,
    )
  }
  const steps = kept?.folders.map(checkpointStep).filter((s) => s !== undefined)
  if (kept && steps && !steps.includes(step)) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `${kept.where} has no checkpoint of step ${step} (it keeps ${steps.sort((a, b) => a - b).join(', ')}): pass one of those; to keep every checkpoint, train or resume with --keep-checkpoints 0.`,
    )
  }
  const at = (path: string) => path.replace(CHECKPOINT_SEGMENT, `$1step-${String(step).padStart(6, '0')}/`)
  const { elapsedSec: _last, discriminator, ...rest } = manifest
  return {
    ...rest,
    generator: at(manifest.generator),
    // A discriminator outside the checkpoint folders is not one of step `step`: left out, not mislabelled.
    ...(discriminator && CHECKPOINT_SEGMENT.test(discriminator) ? { discriminator: at(discriminator) } : {}),
    steps: step,
  }
}

/** The manifest as its file's text (two-space JSON, one trailing newline). */
export function formatRunManifest(manifest: RunManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`
}
