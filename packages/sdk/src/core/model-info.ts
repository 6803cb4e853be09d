import { fromBinary } from '@bufbuild/protobuf'
import { ModelProtoSchema, TensorProto_DataType, type ModelProto, type ValueInfoProto } from 'onnx-buf'
import { METADATA_KEYS, metadataToContract, type Layout, type ModelContract } from './model-contract.js'
import { GanError } from './errors.js'
import { CONTRACT_OPTIONS, type LoadOptions } from './options.js'

/** A generator as the SDK drives it: its contract, plus how to shape the latent feed. */
export interface ModelInfo {
  /** Frozen: handed out as `Generator.info`. */
  contract: Readonly<ModelContract>
  /** Rank of the latent input: 2 for `[batch, z]`, 4 for `[batch, z, 1, 1]` (PyTorch DCGAN style). */
  inputRank: 2 | 4
  /** The batch size the graph is fixed to (`torch.onnx.export` without `dynamic_axes`), or undefined when it is dynamic. */
  fixedBatch: number | undefined
}

/** A dimension as declared: a size, a symbolic name, or unknown. Sizes below 1 count as unknown. */
type Dim = number | string | undefined

/**
 * Read what a generator is from its ONNX bytes: `gan.*` metadata first (models from our exporter),
 * then the graph's input/output shapes for what is missing (foreign generators), with load options
 * on top of both. Throws ERR_MODEL_FORMAT, ERR_MODEL_CONTRACT or ERR_NOT_A_GENERATOR; their messages
 * name the model by `label`.
 */
export function readModelInfo(bytes: Uint8Array, options: LoadOptions = {}, label = `the ${bytes.byteLength}-byte model given`): ModelInfo {
  return modelInfoOf(parseModelProto(bytes, label), options, label)
}

/** An ONNX model with a graph; ERR_MODEL_FORMAT for bytes that are not one. */
export type ParsedModel = ModelProto & { graph: NonNullable<ModelProto['graph']> }

/** Parse ONNX bytes, naming the model by `label` in errors. */
export function parseModelProto(bytes: Uint8Array, label = `the ${bytes.byteLength}-byte model given`): ParsedModel {
  const model = parseModel(bytes, label)
  // Protobuf is lenient: an empty or text file parses as a ModelProto with no graph. That is a
  // file that is not ONNX at all, so it gets the format error, not the "wrong graph" one.
  if (model.graph === undefined) {
    throw new GanError(
      'ERR_MODEL_FORMAT',
      `${label} parses as protobuf but holds no ONNX graph: pass a .onnx file exported by @gan-sdk/exporter or torch.onnx.export.`,
    )
  }
  return model as ParsedModel
}

/** {@link readModelInfo} of a parsed model. */
export function modelInfoOf(model: ParsedModel, options: LoadOptions = {}, label = 'the model given'): ModelInfo {
  const graph = model.graph
  const metadata = readMetadata(label, model)
  if (metadata[METADATA_KEYS.role] === 'discriminator') {
    throw notGenerator(
      label,
      `it is a discriminator (${METADATA_KEYS.role}=discriminator): it scores images, it does not make them`,
      'Load the generator exported from the same run (gan-export without --discriminator).',
    )
  }
  const meta = metadataToContract(metadata, overriddenBy(options))

  // Older exporters list initializers (weights) among the inputs; only the rest must be fed.
  const initializers = new Set(graph.initializer.map((t) => t.name))
  const inputs = graph.input.filter((i) => !initializers.has(i.name))
  const labelInput = options.labelInput ?? meta.labelInput
  const labels = options.labels ?? meta.labels ?? []
  if (labelInput !== undefined) {
    const found = inputs.find((i) => i.name === labelInput)
    if (found === undefined) {
      throw notGenerator(
        label,
        `the graph has no label input "${labelInput}"; its inputs are: ${names(inputs)}`,
        'Pass the load option labelInput with the name of its class-index input.',
      )
    }
    labelTensorCheck(label, found)
    if (labels.length === 0) {
      throw new GanError(
        'ERR_MODEL_CONTRACT',
        `${label} is conditional (label input "${labelInput}") but names no classes (gan.labels): re-export it with its labels, or pass the load option labels: ['cat', 'dog', …].`,
      )
    }
  }
  const latentInputs = inputs.filter((i) => i.name !== labelInput)
  const [input] = latentInputs
  if (latentInputs.length !== 1 || input === undefined) {
    throw notGenerator(
      label,
      `the graph has ${inputs.length} inputs (${names(inputs)}); gan-sdk feeds a latent input${labelInput === undefined ? '' : ' and the label input'}`,
      labelInput === undefined && inputs.length === 2
        ? 'If one input takes class indices, pass the load options labelInput and labels (a conditional generator).'
        : 'Re-export it with the latent (and, for a conditional model, the class index) as its only inputs.',
    )
  }
  const inputName = options.inputName ?? meta.inputName ?? input.name
  if (inputName !== input.name) {
    throw notGenerator(
      label,
      `the graph has no input "${inputName}"; its input is "${input.name}"`,
      `Pass the load option inputName: "${input.name}".`,
    )
  }
  const outputName = options.outputName ?? meta.outputName ?? singleOutput(label, graph.output)
  const output = graph.output.find((o) => o.name === outputName)
  if (output === undefined) {
    throw notGenerator(
      label,
      `the graph has no output "${outputName}"; its outputs are: ${names(graph.output)}`,
      'Pass the load option outputName with one of them.',
    )
  }

  const inDims = floatTensorDims(label, input, 'input')
  const inputRank = inDims.length
  if ((inputRank !== 2 && inputRank !== 4) || (inputRank === 4 && (!maybe(inDims[2], 1) || !maybe(inDims[3], 1)))) {
    throw notGenerator(
      label,
      `input "${inputName}" has shape ${fmt(inDims)}; a generator takes a latent [batch, z] or [batch, z, 1, 1]`,
      'Export the generator with the latent vector as its input.',
    )
  }
  const latentSize = agree(label, 'latentSize', options.latentSize, meta.latentSize, inDims[1], `input "${inputName}" ${fmt(inDims)}`)

  const outDims = floatTensorDims(label, output, 'output')
  if (outDims.length !== 4) {
    throw notGenerator(
      label,
      `output "${outputName}" has shape ${fmt(outDims)}; a generator outputs images [batch, H, W, C] or [batch, C, H, W]`,
      'If another output holds the images, pass the load option outputName.',
    )
  }
  const layout: Layout = options.layout ?? meta.layout ?? inferLayout(outDims)
  const [h, w, c] = layout === 'NHWC' ? [outDims[1], outDims[2], outDims[3]] : [outDims[2], outDims[3], outDims[1]]
  const where = `output "${outputName}" ${fmt(outDims)} read as ${layout}`
  const width = agree(label, 'width', options.width, meta.width, w, where)
  const height = agree(label, 'height', options.height, meta.height, h, where)
  const channels = agree(label, 'channels', undefined, meta.channels, c, where)
  if (!isChannelCount(channels)) {
    throw notGenerator(
      label,
      `${where} has ${channels} channels; images have 1, 3 or 4`,
      `If the model's layout is ${layout === 'NHWC' ? 'NCHW' : 'NHWC'}, pass the load option layout: "${layout === 'NHWC' ? 'NCHW' : 'NHWC'}".`,
    )
  }
  const contract: ModelContract = {
    latentSize,
    latentDistribution: options.latentDistribution ?? meta.latentDistribution ?? 'normal',
    inputName,
    outputName,
    layout,
    range: Object.freeze([...(options.range ?? meta.range ?? [-1, 1])] as [number, number]),
    width,
    height,
    channels,
    labels: Object.freeze([...labels]),
    ...(labelInput !== undefined ? { labelInput } : {}),
    license: meta.license ?? 'unknown',
    name: meta.name ?? (graph.name || 'unnamed'),
    description: meta.description ?? model.docString,
  }
  return { contract: Object.freeze(contract), inputRank, fixedBatch: typeof inDims[0] === 'number' ? inDims[0] : undefined }
}

/** The model's metadata as a map; a `gan.*` key given twice is an error rather than "last one wins". */
export function readMetadata(label: string, model: ModelProto): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { key, value } of model.metadataProps) {
    if (key.startsWith('gan.') && key in out) {
      throw new GanError(
        'ERR_MODEL_CONTRACT',
        `${label} declares metadata ${key} twice (${JSON.stringify(out[key])} and ${JSON.stringify(value)}): re-export the model.`,
      )
    }
    out[key] = value
  }
  return out
}

/** The contract fields the load options set: their metadata is not read (so a broken value there can be overridden). */
function overriddenBy(options: LoadOptions): Set<keyof ModelContract> {
  return new Set(CONTRACT_OPTIONS.filter((f) => options[f] !== undefined))
}

function labelTensorCheck(label: string, value: ValueInfoProto): void {
  const type = value.type?.value
  const elemType = type?.case === 'tensorType' ? type.value.elemType : undefined
  const dims = type?.case === 'tensorType' ? (type.value.shape?.dim ?? []) : []
  if (elemType !== TensorProto_DataType.INT64 || dims.length !== 1) {
    throw notGenerator(
      label,
      `label input "${value.name}" is ${elemType === undefined ? 'not a tensor' : `${TensorProto_DataType[elemType] ?? elemType} of rank ${dims.length}`}; a conditional generator takes class indices as int64 [batch]`,
      'Export the label input as an int64 vector.',
    )
  }
}

function parseModel(bytes: Uint8Array, label: string): ModelProto {
  // A TF.js model.json or a run's gan.json: the trainer's output, one export short of a generator.
  if (isJsonObject(bytes)) {
    throw new GanError(
      'ERR_MODEL_FORMAT',
      `${label} is JSON, not an ONNX model: export a training run (the folder of its gan.json) or a TF.js model.json to ONNX first, \`gan-export <run folder or model.json> --out model.onnx\` (@gan-sdk/exporter), and load the .onnx file.`,
    )
  }
  try {
    return fromBinary(ModelProtoSchema, bytes)
  } catch (err) {
    throw new GanError(
      'ERR_MODEL_FORMAT',
      `${label} is not an ONNX model (protobuf parse failed: ${err instanceof Error ? err.message : String(err)}): pass a .onnx file exported by @gan-sdk/exporter or torch.onnx.export.`,
      { cause: err },
    )
  }
}

/** Whether `bytes` starts, past any whitespace, with `{`: no ONNX file does (its first byte is a protobuf field tag, 0x08 for ir_version). */
function isJsonObject(bytes: Uint8Array): boolean {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09)
  return first === 0x7b
}

/** NCHW when dimension 1 looks like channels and the last does not; otherwise TF-style NHWC (docs/model-format.md). */
function inferLayout(dims: Dim[]): Layout {
  const isChannels = (d: Dim) => typeof d === 'number' && isChannelCount(d)
  return isChannels(dims[1]) && !isChannels(dims[3]) ? 'NCHW' : 'NHWC'
}

/**
 * The value of a contract field: the load option, else the metadata, else the graph's dimension.
 * A declared value that contradicts a fixed dimension would only fail later, inside the runtime,
 * so it fails here, naming both.
 */
function agree(
  label: string,
  field: 'latentSize' | 'width' | 'height' | 'channels',
  option: number | undefined,
  meta: number | undefined,
  dim: Dim,
  where: string,
): number {
  const value = option ?? meta ?? dim
  if (typeof value !== 'number') {
    throw notGenerator(label, `${field} is symbolic (${JSON.stringify(dim ?? '?')}) in ${where}`, `Pass the load option ${field}.`)
  }
  if (typeof dim === 'number' && value !== dim) {
    const source = option !== undefined ? `the load option ${field}: ${value}` : `the metadata ${METADATA_KEYS[field]}=${value}`
    const fix =
      option !== undefined
        ? `Leave ${field} out, or set it to ${dim}.`
        : field === 'channels'
          ? 'Re-export the model.'
          : `Re-export the model, or pass the load option ${field}: ${dim}.`
    throw notGenerator(label, `${source} contradicts ${where}`, fix)
  }
  return value
}

function singleOutput(label: string, outputs: ValueInfoProto[]): string {
  const [first] = outputs
  if (outputs.length !== 1 || first === undefined) {
    throw notGenerator(
      label,
      `the graph has ${outputs.length} outputs (${names(outputs)})`,
      'Pass the load option outputName to pick the one that holds the images.',
    )
  }
  return first.name
}

function floatTensorDims(label: string, value: ValueInfoProto, what: 'input' | 'output'): Dim[] {
  const type = value.type?.value
  if (type?.case !== 'tensorType')
    throw notGenerator(label, `${what} "${value.name}" is not a tensor`, 'Export the generator with tensor inputs and outputs.')
  const elemType = type.value.elemType
  if (elemType !== TensorProto_DataType.FLOAT) {
    throw notGenerator(
      label,
      `${what} "${value.name}" has element type ${TensorProto_DataType[elemType] ?? elemType}`,
      'gan-sdk drives float32 generators: export the model in float32.',
    )
  }
  return (type.value.shape?.dim ?? []).map(({ value: d }) =>
    d.case === 'dimValue' ? (d.value > 0n ? Number(d.value) : undefined) : d.case === 'dimParam' ? d.value : undefined,
  )
}

function isChannelCount(n: number): n is 1 | 3 | 4 {
  return n === 1 || n === 3 || n === 4
}

/** True when `dim` is `size`, or not fixed (so it may be). */
function maybe(dim: Dim, size: number): boolean {
  return typeof dim !== 'number' || dim === size
}

function names(values: ValueInfoProto[]): string {
  return values.map((v) => `"${v.name}"`).join(', ') || 'none'
}

function fmt(dims: Dim[]): string {
  return `[${dims.map((d) => d ?? '?').join(', ')}]`
}

function notGenerator(label: string, found: string, fix: string): GanError {
  return new GanError(
    'ERR_NOT_A_GENERATOR',
    `${label} is not an image generator gan-sdk can drive: ${found}. ${fix} See docs/model-format.md.`,
  )
}
