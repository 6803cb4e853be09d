/**
 * The model contract: what a gan-sdk `.onnx` generator declares about itself in the ONNX
 * `metadata_props`. Written by `@gan-sdk/exporter`, read by the SDK. Documented in
 * docs/model-format.md; this module is the single source of the key names and their parsing.
 */
import { GanError } from './errors.js'

/** Version of this contract. Bumped only on incompatible changes; readers reject newer majors. */
export const CONTRACT_VERSION = 2

/** Every metadata key this contract defines, with the `gan.` prefix it is stored under. */
export const METADATA_KEYS = {
  contractVersion: 'gan.contract_version',
  latentSize: 'gan.latent_size',
  latentDistribution: 'gan.latent_distribution',
  inputName: 'gan.input_name',
  outputName: 'gan.output_name',
  layout: 'gan.output_layout',
  range: 'gan.output_range',
  width: 'gan.width',
  height: 'gan.height',
  channels: 'gan.channels',
  labels: 'gan.labels',
  labelInput: 'gan.label_input',
  weightsSha256: 'gan.weights_sha256',
  /** `discriminator` on an exported discriminator (the exporter's --discriminator); absent on generators. */
  role: 'gan.role',
  /** A discriminator's input layout and value range. */
  inputLayout: 'gan.input_layout',
  inputRange: 'gan.input_range',
  license: 'gan.license',
  name: 'gan.name',
  description: 'gan.description',
} as const

export type LatentDistribution = 'normal' | 'uniform'
export type Layout = 'NHWC' | 'NCHW'
export const LATENT_DISTRIBUTIONS: readonly LatentDistribution[] = ['normal', 'uniform']
export const LAYOUTS: readonly Layout[] = ['NHWC', 'NCHW']

/** What a generator model is, as the SDK understands it. */
export interface ModelContract {
  /** Length of the latent vector `z` fed to the model. */
  latentSize: number
  /** `normal`: z ~ N(0, 1) per element. `uniform`: z ~ U[-1, 1) per element. */
  latentDistribution: LatentDistribution
  /** Name of the graph input that takes `z`, shape `[batch, latentSize]`. */
  inputName: string
  /** Name of the graph output holding the images. */
  outputName: string
  /** Memory layout of the output tensor. */
  layout: Layout
  /** Value range of the output: `range[0]` maps to byte 0, `range[1]` to byte 255. */
  range: readonly [number, number]
  width: number
  height: number
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4
  /** Class names: of a conditional model, the classes its label input takes, by index; empty for unconditional ones. */
  labels: readonly string[]
  /**
   * Name of the graph input that takes the class index of a conditional model, an int64 `[batch]`
   * (contract version 2); absent for unconditional models.
   */
  labelInput?: string
  /** SPDX licence identifier of the weights, or `unknown`. */
  license: string
  name: string
  description: string
}

/**
 * What an exported discriminator (`gan.role = discriminator`) declares: the generator contract's
 * keys where they mean the same, with the input image's layout and range in place of the output's.
 */
export interface DiscriminatorContract extends Pick<
  ModelContract,
  'inputName' | 'outputName' | 'width' | 'height' | 'channels' | 'labels' | 'labelInput' | 'license' | 'name' | 'description'
> {
  role: 'discriminator'
  layout: 'NHWC'
  /** Value range of the input images (the generator's output range): what the discriminator was trained on. */
  range: readonly [number, number]
}

/** Serialise a contract into ONNX `metadata_props` entries (exporter side). */
export function contractToMetadata(contract: ModelContract): Record<string, string> {
  return {
    ...sharedMetadata(contract),
    [METADATA_KEYS.latentSize]: String(contract.latentSize),
    [METADATA_KEYS.latentDistribution]: contract.latentDistribution,
    [METADATA_KEYS.layout]: contract.layout,
    [METADATA_KEYS.range]: `${contract.range[0]},${contract.range[1]}`,
  }
}

/** Serialise a discriminator's contract (exporter side, `--discriminator`). */
export function discriminatorToMetadata(contract: DiscriminatorContract): Record<string, string> {
  return {
    ...sharedMetadata(contract),
    [METADATA_KEYS.role]: contract.role,
    [METADATA_KEYS.inputLayout]: contract.layout,
    [METADATA_KEYS.inputRange]: `${contract.range[0]},${contract.range[1]}`,
  }
}

/** The keys generators and discriminators share. */
function sharedMetadata(contract: ModelContract | DiscriminatorContract): Record<string, string> {
  return {
    [METADATA_KEYS.contractVersion]: String(CONTRACT_VERSION),
    [METADATA_KEYS.inputName]: contract.inputName,
    [METADATA_KEYS.outputName]: contract.outputName,
    [METADATA_KEYS.width]: String(contract.width),
    [METADATA_KEYS.height]: String(contract.height),
    [METADATA_KEYS.channels]: String(contract.channels),
    [METADATA_KEYS.labels]: JSON.stringify(contract.labels),
    ...(contract.labelInput !== undefined ? { [METADATA_KEYS.labelInput]: contract.labelInput } : {}),
    [METADATA_KEYS.license]: contract.license,
    [METADATA_KEYS.name]: contract.name,
    [METADATA_KEYS.description]: contract.description,
  }
}

/**
 * Read the `gan.*` entries of a model's metadata. Returns only the fields present; a model with
 * none (a foreign ONNX generator) yields `{}` and the caller infers the rest from the graph.
 * Present-but-invalid values throw `ERR_MODEL_CONTRACT`, naming the key and the fix.
 */
export function metadataToContract(
  metadata: Record<string, string>,
  overridden: ReadonlySet<keyof ModelContract> = new Set(),
): Partial<ModelContract> {
  const out: Partial<ModelContract> = {}
  const keyOf = Object.fromEntries(Object.entries(METADATA_KEYS).map(([field, key]) => [key, field])) as Record<string, keyof ModelContract>
  // A field the caller overrides is not read, so a broken value there cannot fail the load.
  const get = (key: string): string | undefined => (overridden.has(keyOf[key]!) ? undefined : metadata[key])
  const version = get(METADATA_KEYS.contractVersion)
  if (version !== undefined) {
    const v = strictInt(version)
    if (v === undefined) bad(METADATA_KEYS.contractVersion, version, 'a positive integer')
    if (v > CONTRACT_VERSION) {
      throw new GanError(
        'ERR_MODEL_CONTRACT',
        `model declares contract version ${v}, this gan-sdk reads up to ${CONTRACT_VERSION}. Upgrade gan-sdk.`,
      )
    }
  }
  const int = (key: string, field: 'latentSize' | 'width' | 'height') => {
    const raw = get(key)
    if (raw === undefined) return
    const n = strictInt(raw)
    if (n === undefined) bad(key, raw, 'a positive integer, in digits')
    out[field] = n
  }
  int(METADATA_KEYS.latentSize, 'latentSize')
  int(METADATA_KEYS.width, 'width')
  int(METADATA_KEYS.height, 'height')

  const channels = get(METADATA_KEYS.channels)
  if (channels !== undefined) {
    const c = strictInt(channels)
    if (c !== 1 && c !== 3 && c !== 4) bad(METADATA_KEYS.channels, channels, '1, 3 or 4')
    out.channels = c as 1 | 3 | 4
  }
  const dist = get(METADATA_KEYS.latentDistribution)
  if (dist !== undefined) {
    if (!LATENT_DISTRIBUTIONS.includes(dist as LatentDistribution)) {
      bad(METADATA_KEYS.latentDistribution, dist, LATENT_DISTRIBUTIONS.join(' | '))
    }
    out.latentDistribution = dist as LatentDistribution
  }
  const layout = get(METADATA_KEYS.layout)
  if (layout !== undefined) {
    if (!LAYOUTS.includes(layout as Layout)) bad(METADATA_KEYS.layout, layout, LAYOUTS.join(' | '))
    out.layout = layout as Layout
  }
  const range = get(METADATA_KEYS.range)
  if (range !== undefined) out.range = parseRange(range) ?? bad(METADATA_KEYS.range, range, '"min,max" with finite min < max, e.g. "-1,1"')
  const labels = get(METADATA_KEYS.labels)
  if (labels !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(labels)
    } catch {
      bad(METADATA_KEYS.labels, labels, 'a JSON array of strings')
    }
    if (!Array.isArray(parsed) || !parsed.every((l) => typeof l === 'string')) {
      bad(METADATA_KEYS.labels, labels, 'a JSON array of strings')
    }
    out.labels = parsed as string[]
  }
  const str = (key: string, field: 'inputName' | 'outputName' | 'labelInput' | 'license' | 'name' | 'description') => {
    const raw = get(key)
    if (raw !== undefined) out[field] = raw
  }
  str(METADATA_KEYS.inputName, 'inputName')
  str(METADATA_KEYS.outputName, 'outputName')
  str(METADATA_KEYS.labelInput, 'labelInput')
  if (out.labelInput !== undefined && out.labels !== undefined && out.labels.length === 0) {
    bad(METADATA_KEYS.labels, metadata[METADATA_KEYS.labels]!, `the class names of the label input "${out.labelInput}", at least one`)
  }
  str(METADATA_KEYS.license, 'license')
  str(METADATA_KEYS.name, 'name')
  str(METADATA_KEYS.description, 'description')
  return out
}

/**
 * Parse `"min,max"` (e.g. `"-1,1"`), the text form of a range in metadata and on command lines,
 * into a finite, increasing pair; `undefined` when the text is not one (the caller says why it matters).
 */
export function parseRange(raw: string): [number, number] | undefined {
  const parts = raw.split(',').map((p) => (p.trim() === '' ? Number.NaN : Number(p.trim())))
  const [lo, hi] = parts
  if (parts.length !== 2 || lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi)
    return undefined
  return [lo, hi]
}

/** A positive integer written in plain digits ("100"), else undefined: not "1e2", "0x64", " 100 " or "100.0". */
function strictInt(raw: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined
}

function bad(key: string, value: string, expected: string): never {
  throw new GanError(
    'ERR_MODEL_CONTRACT',
    `metadata ${key}=${JSON.stringify(value)} is invalid: expected ${expected}. Re-export the model with @gan-sdk/exporter, or pass the value as a load option to override it.`,
  )
}
