import { ExportError } from '../errors.js'
import type { LayerSpec, ModelInput, Topology } from '../read/topology.js'
import type { GraphIo } from './onnx-graph.js'
import type { Role } from '../options.js'
import { wrappedLayer } from './spectral-normalization.js'

/** Names of the graph's inputs and outputs: part of the model contract. */
export const INPUT_NAME = 'latent'
export const OUTPUT_NAME = 'image'
export const LABEL_NAME = 'label'
export const LOGIT_NAME = 'logit'

/** What the contract and verification need to know of an exported model, whichever engine converted it. */
export interface ModelShape {
  role: Role
  /** The ONNX inputs: `latent` (generator) or `image` (discriminator), then `label` when conditional. */
  inputs: GraphIo[]
  output: GraphIo
  /** For each TF.js model input, in the model's order: the ONNX input it corresponds to, and its TF.js dtype. */
  tfjsInputs: Array<{ name: string; dtype: string }>
  /** Latent size (generators; 0 for discriminators). */
  latentSize: number
  /** The image shape: the generator's output, the discriminator's input. */
  height: number
  width: number
  channels: number
  /** Number of classes of a conditional model (its Embedding's input_dim); undefined when unconditional. */
  classes: number | undefined
  /**
   * The activation that last shaped the output values (`tanh`, `sigmoid`, …, or the class of an
   * activation layer such as `LeakyReLU`), ignoring layers that only move or repeat values.
   */
  finalActivation: string
}

/** A model's inputs as the topology declares them, before any conversion. */
export interface ModelInputs {
  /** The latent (generator) or image (discriminator) input, and its ONNX form. */
  main: ModelInput
  mainIo: GraphIo
  /** The class-index input of a conditional model. */
  label: ModelInput | undefined
  shape: Omit<ModelShape, 'output' | 'height' | 'width' | 'channels'>
}

/**
 * Read from the topology alone which input is the latent (or image) and which, if any, the label,
 * with their ONNX inputs, the number of classes and the final activation. Throws when the inputs do
 * not fit the role.
 */
export function analyzeInputs(topology: Topology, role: Role): ModelInputs {
  const { main, label } = classifyInputs(topology, role)
  let mainIo: GraphIo
  if (role === 'generator') {
    const [, z] = main.shape
    if (main.shape.length !== 2 || typeof z !== 'number') {
      throw new ExportError(
        'ERR_UNSUPPORTED_CONFIG',
        `the model's input shape is ${JSON.stringify(main.shape)}; a generator takes a latent vector [batch, z].`,
      )
    }
    mainIo = { name: INPUT_NAME, type: 'float', dims: [z] }
  } else {
    const dims = main.shape.slice(1)
    if (main.shape.length !== 4 || !dims.every((d) => typeof d === 'number')) {
      throw new ExportError(
        'ERR_UNSUPPORTED_CONFIG',
        `the model's input shape is ${JSON.stringify(main.shape)}; a discriminator takes an image [batch, H, W, C].`,
      )
    }
    mainIo = { name: OUTPUT_NAME, type: 'float', dims: dims as number[] }
  }
  const inputs: GraphIo[] = [mainIo, ...(label === undefined ? [] : [{ name: LABEL_NAME, type: 'int64' as const, dims: [] }])]
  return {
    main,
    mainIo,
    label,
    shape: {
      role,
      inputs,
      tfjsInputs: topology.inputs.map((i) => ({ name: i === main ? mainIo.name : LABEL_NAME, dtype: i.dtype })),
      latentSize: role === 'generator' ? mainIo.dims[0]! : 0,
      classes: label === undefined ? undefined : classesOf(topology, label),
      finalActivation: finalActivation(topology),
    },
  }
}

/** Layers after which the output values still lie in the range the previous activation gave them. */
const RANGE_PRESERVING = new Set([
  'InputLayer',
  'Reshape',
  'Flatten',
  'Dropout',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'UpSampling2D',
  'Cropping2D',
  'ZeroPadding2D',
])

/** An Embedding layer, as it is or inside a SpectralNormalization wrapper (a normalised projection): the layer that holds its config. */
function embeddingOf(layer: LayerSpec): LayerSpec | undefined {
  if (layer.className === 'Embedding') return layer
  if (layer.className === 'SpectralNormalization' && wrappedLayer(layer).className === 'Embedding') return wrappedLayer(layer)
  return undefined
}

/**
 * Which model input is the latent (or image) and which, if any, the label: an input of shape [1]
 * that only Embedding layers (spectrally normalised or not) read.
 */
function classifyInputs(topology: Topology, role: Role): { main: ModelInput; label?: ModelInput } {
  const { inputs, layers } = topology
  const isLabel = (input: ModelInput) => {
    const readers = layers.filter((l) => l.inbound.includes(input.name))
    return input.shape.length === 2 && input.shape[1] === 1 && readers.length > 0 && readers.every((l) => embeddingOf(l) !== undefined)
  }
  if (inputs.length === 1) return { main: inputs[0]! }
  const labels = inputs.filter(isLabel)
  if (inputs.length === 2 && labels.length === 1) return { main: inputs.find((i) => i !== labels[0])!, label: labels[0]! }
  const main = role === 'generator' ? 'a latent [z]' : 'an image [H, W, C]'
  throw new ExportError(
    'ERR_UNSUPPORTED_TOPOLOGY',
    `the model has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}" ${JSON.stringify(i.shape.slice(1))}`).join(', ')}); a ${role} takes ${main} and, when conditional, a class index [1] that only Embedding layers read.`,
  )
}

/** The number of classes: the input_dim of the Embeddings that read the label, which must agree. */
function classesOf(topology: Topology, label: ModelInput): number {
  const dims = topology.layers.filter((l) => l.inbound.includes(label.name)).map((l) => embeddingOf(l)!.config['input_dim'])
  if (!Number.isInteger(dims[0]) || (dims[0] as number) < 1) {
    throw new ExportError(
      'ERR_UNSUPPORTED_CONFIG',
      `the Embedding of the label input "${label.name}" has input_dim ${JSON.stringify(dims[0])}; expected a positive integer.`,
    )
  }
  if (dims.some((d) => d !== dims[0])) {
    throw new ExportError(
      'ERR_INPUT',
      `the Embeddings of the label input "${label.name}" disagree on the number of classes (input_dim ${dims.map(String).join(', ')}).`,
    )
  }
  return dims[0] as number
}

/** The activation of the last layer before the output that changes values (see ModelShape.finalActivation). */
function finalActivation(topology: Topology): string {
  const byName = new Map(topology.layers.map((l) => [l.name, l]))
  let layer = byName.get(topology.output)
  while (layer !== undefined && RANGE_PRESERVING.has(layer.className) && layer.inbound.length === 1) layer = byName.get(layer.inbound[0]!)
  if (layer === undefined) return 'linear'
  const config = layer.className === 'SpectralNormalization' ? wrappedLayer(layer).config : layer.config
  const fused = config['activation']
  return fused === undefined ? layer.className : String(fused ?? 'linear')
}
