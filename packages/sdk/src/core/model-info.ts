import { fromBinary } from '@bufbuild/protobuf'
import { ModelProtoSchema, TensorProto_DataType, type ModelProto, type ValueInfoProto } from 'onnx-buf'
import { metadataToContract, type Layout, type ModelContract } from './contract.js'
import { GanError } from './errors.js'
import type { LoadOptions } from './options.js'

/** The resolved model contract plus what the runtime needs to feed the graph. */
export interface ModelInfo extends ModelContract {
  /** Rank of the latent input: 2 for `[batch, z]`, 4 for `[batch, z, 1, 1]` (PyTorch DCGAN style). */
  inputRank: 2 | 4
}

type Dim = number | string | undefined

/**
 * Read what a generator is from its ONNX bytes: `gan.*` metadata first (models from our exporter),
 * then the graph's input/output shapes for what is missing (foreign generators), then `overrides`
 * on top of both.
 */
export function readModelInfo(bytes: Uint8Array, overrides: LoadOptions = {}): ModelInfo {
  let model: ModelProto
  try {
    model = fromBinary(ModelProtoSchema, bytes)
  } catch (err) {
    throw new GanError('ERR_MODEL_FORMAT', `the ${bytes.byteLength} bytes given are not an ONNX model (protobuf parse failed). Pass a .onnx file exported by @gan-sdk/exporter or torch.onnx.export.`, { cause: err })
  }
  const graph = model.graph
  if (graph === undefined || graph.node.length === 0 || graph.output.length === 0) {
    throw new GanError('ERR_MODEL_FORMAT', `the ${bytes.byteLength} bytes given parse as protobuf but hold no ONNX graph. Pass a .onnx file exported by @gan-sdk/exporter or torch.onnx.export.`)
  }
  const meta = metadataToContract(Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value])))
  const initializers = new Set(graph.initializer.map((t) => t.name))
  const inputs = graph.input.filter((i) => !initializers.has(i.name))

  const inputName = overrides.inputName ?? meta.inputName ?? single(inputs, 'input')
  const outputName = overrides.outputName ?? meta.outputName ?? single(graph.output, 'output')
  const input = find(inputs, inputName, 'input', 'inputName')
  const output = find(graph.output, outputName, 'output', 'outputName')
  const inDims = tensorDims(input, 'input')
  const outDims = tensorDims(output, 'output')

  const inputRank = inDims.length
  if ((inputRank !== 2 && inputRank !== 4) || (inputRank === 4 && (inDims[2] !== 1 || inDims[3] !== 1))) {
    throw notGenerator(`input "${inputName}" has shape ${fmt(inDims)}; a generator takes a latent [batch, z] or [batch, z, 1, 1]`, 'inputName')
  }
  const latentSize = overrides.latentSize ?? meta.latentSize ?? (typeof inDims[1] === 'number' ? inDims[1] : undefined)
  if (latentSize === undefined) {
    throw notGenerator(`input "${inputName}" has a symbolic latent size (${fmt(inDims)})`, 'latentSize')
  }
  if (outDims.length !== 4) {
    throw notGenerator(`output "${outputName}" has shape ${fmt(outDims)}; a generator outputs images [batch, H, W, C] or [batch, C, H, W]`, 'outputName')
  }
  const layout: Layout = overrides.layout ?? meta.layout ?? inferLayout(outDims)
  const [h, w, c] = layout === 'NHWC' ? [outDims[1], outDims[2], outDims[3]] : [outDims[2], outDims[3], outDims[1]]
  const width = overrides.width ?? meta.width ?? (typeof w === 'number' ? w : undefined)
  const height = overrides.height ?? meta.height ?? (typeof h === 'number' ? h : undefined)
  const channels = meta.channels ?? c
  if (width === undefined || height === undefined) {
    throw notGenerator(`output "${outputName}" has symbolic image size (${fmt(outDims)})`, 'width and height')
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw notGenerator(`output "${outputName}" has ${String(channels)} channels in ${layout} layout (${fmt(outDims)}); images have 1, 3 or 4`, 'layout')
  }
  return {
    latentSize,
    latentDistribution: overrides.latentDistribution ?? meta.latentDistribution ?? 'normal',
    inputName,
    outputName,
    layout,
    range: overrides.range ?? meta.range ?? [-1, 1],
    width,
    height,
    channels,
    labels: meta.labels ?? [],
    license: meta.license ?? 'unknown',
    name: meta.name ?? (graph.name || 'unnamed'),
    description: meta.description ?? model.docString,
    inputRank,
  }
}

/** NCHW when dim 1 looks like channels and the last does not; otherwise TF-style NHWC. */
function inferLayout(dims: Dim[]): Layout {
  const isChannels = (d: Dim) => d === 1 || d === 3 || d === 4
  return isChannels(dims[1]) && !isChannels(dims[3]) ? 'NCHW' : 'NHWC'
}

function single(values: ValueInfoProto[], what: 'input' | 'output'): string {
  const [first] = values
  if (values.length !== 1 || first === undefined) {
    const option = what === 'input' ? 'inputName' : 'outputName'
    throw notGenerator(`the graph has ${values.length} ${what}s (${values.map((v) => v.name).join(', ') || 'none'})`, option)
  }
  return first.name
}

function find(values: ValueInfoProto[], name: string, what: string, option: string): ValueInfoProto {
  const found = values.find((v) => v.name === name)
  if (found === undefined) {
    throw notGenerator(`the graph has no ${what} "${name}"; its ${what}s are: ${values.map((v) => v.name).join(', ') || 'none'}`, option)
  }
  return found
}

function tensorDims(value: ValueInfoProto, what: string): Dim[] {
  const type = value.type?.value
  if (type?.case !== 'tensorType') throw notGenerator(`${what} "${value.name}" is not a tensor`, `${what}Name`)
  if (type.value.elemType !== TensorProto_DataType.FLOAT) {
    throw notGenerator(`${what} "${value.name}" has element type ${TensorProto_DataType[type.value.elemType] ?? type.value.elemType}; gan-sdk drives float32 generators`, `${what}Name`)
  }
  return (type.value.shape?.dim ?? []).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : undefined))
}

function fmt(dims: Dim[]): string {
  return `[${dims.map((d) => d ?? '?').join(', ')}]`
}

function notGenerator(what: string, option: string): GanError {
  return new GanError('ERR_NOT_A_GENERATOR', `this model is not an image generator gan-sdk can drive: ${what}. If it is one, pass the load option ${option} to say how to read it (see docs/model-format.md).`)
}
