import { ExportError } from '../errors.js'

/** One Keras layer as TF.js serialises it (snake_case config keys). */
export interface LayerSpec {
  className: string
  name: string
  config: Record<string, unknown>
}

/** A model reduced to what the converter walks: one chain of layers from one input. */
export interface Topology {
  /** The model's own name (`config.name`), e.g. `generator`. */
  modelName: string
  /** Input shape including the batch dimension, e.g. `[null, 100]`. */
  inputShape: Array<number | null>
  /** Layers from input to output. */
  layers: LayerSpec[]
}

interface RawLayer {
  class_name?: unknown
  name?: unknown
  config?: Record<string, unknown>
  inbound_nodes?: unknown
}

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional'])

/**
 * Read a Keras model topology (what `model.toJSON()` / model.json hold) as a single chain. Sequential
 * models are chains by construction; a functional Model is accepted when each layer is called once,
 * on the previous layer's only output.
 */
export function parseTopology(modelTopology: unknown): Topology {
  if (modelTopology instanceof ArrayBuffer || modelTopology === null || typeof modelTopology !== 'object') {
    throw new ExportError(
      'ERR_INPUT',
      'the model topology is missing or binary (a TF.js graph model?). Export a TF.js layers model (model.save() of a tf.LayersModel).',
    )
  }
  // Keras-converted models wrap the topology as { model_config, training_config }.
  const root = ((modelTopology as { model_config?: unknown }).model_config ?? modelTopology) as { class_name?: unknown; config?: unknown }
  const className = String(root.class_name)
  if (!MODEL_CLASSES.has(className)) {
    throw new ExportError(
      'ERR_INPUT',
      `the model class is ${JSON.stringify(root.class_name)}; expected a Keras Sequential or functional Model topology.`,
    )
  }
  // Keras 2.0-era Sequential configs are a bare layer list.
  const config = (Array.isArray(root.config) ? { layers: root.config } : (root.config ?? {})) as {
    name?: unknown
    layers?: unknown
    input_layers?: unknown
    output_layers?: unknown
  }
  if (!Array.isArray(config.layers) || config.layers.length === 0) {
    throw new ExportError('ERR_INPUT', 'the model topology has no layers.')
  }
  const raw = config.layers as RawLayer[]
  const ordered = className === 'Sequential' ? raw : chainOfFunctional(raw, config.input_layers, config.output_layers)
  const layers = ordered.map(toSpec)
  for (const layer of layers) {
    if (MODEL_CLASSES.has(layer.className)) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `layer "${layer.name}" is a nested ${layer.className}; nested models do not convert. Rebuild the generator as one flat Sequential model.`,
      )
    }
  }
  const first = layers[0]!.config
  const inputShape = first['batch_input_shape'] ?? first['batch_shape']
  if (!Array.isArray(inputShape)) {
    throw new ExportError(
      'ERR_INPUT',
      `the first layer "${layers[0]!.name}" declares no input shape (batch_input_shape); the model was saved before it was built. Build it with an inputShape and save again.`,
    )
  }
  return { modelName: typeof config.name === 'string' ? config.name : 'generator', inputShape: inputShape as Array<number | null>, layers }
}

function toSpec(layer: RawLayer): LayerSpec {
  const config = layer.config ?? {}
  return { className: String(layer.class_name), name: String(layer.name ?? config['name']), config }
}

/** Order a functional model's layers as a chain, or explain which layer breaks the chain. */
function chainOfFunctional(layers: RawLayer[], inputLayers: unknown, outputLayers: unknown): RawLayer[] {
  const inputs = endpoints(inputLayers)
  const outputs = endpoints(outputLayers)
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new ExportError(
      'ERR_UNSUPPORTED_TOPOLOGY',
      `the model has ${inputs.length} inputs and ${outputs.length} outputs; a generator has one latent input and one image output.`,
    )
  }
  const consumerOf = new Map<string, RawLayer>()
  for (const layer of layers) {
    const name = String(layer.name)
    if (name === inputs[0]) continue
    const nodes = layer.inbound_nodes
    if (!Array.isArray(nodes) || !nodes.every(Array.isArray)) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `layer "${name}" has inbound_nodes in a format this exporter does not read (Keras 3?). Save the model with TF.js or Keras 2.`,
      )
    }
    if (nodes.length !== 1) {
      const why = nodes.length === 0 ? 'is not connected to the input' : `is called ${nodes.length} times (a shared layer)`
      throw new ExportError('ERR_UNSUPPORTED_TOPOLOGY', `layer "${name}" ${why}; only single-chain models convert.`)
    }
    const tensors = nodes[0] as unknown[]
    if (tensors.length !== 1) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `layer "${name}" takes ${tensors.length} inputs (a merge such as Add or Concatenate); only single-chain models convert.`,
      )
    }
    const source = String((tensors[0] as unknown[])[0])
    const other = consumerOf.get(source)
    if (other !== undefined) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `layer "${source}" feeds both "${String(other.name)}" and "${name}" (a branch); only single-chain models convert.`,
      )
    }
    consumerOf.set(source, layer)
  }
  const byName = new Map(layers.map((l) => [String(l.name), l]))
  const chain: RawLayer[] = []
  for (let layer = byName.get(inputs[0]!); layer !== undefined; layer = consumerOf.get(String(layer.name))) chain.push(layer)
  const last = chain[chain.length - 1]
  if (chain.length !== layers.length || String(last?.name) !== outputs[0]) {
    throw new ExportError(
      'ERR_UNSUPPORTED_TOPOLOGY',
      `the layers do not form one chain from "${inputs[0]}" to "${outputs[0]}" (the chain from the input ends at "${String(last?.name)}" after ${chain.length} of ${layers.length} layers).`,
    )
  }
  return chain
}

/** Layer names of `input_layers` / `output_layers` entries `[name, nodeIndex, tensorIndex]`. */
function endpoints(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  // A single endpoint may be stored unwrapped: ["name", 0, 0].
  const list = typeof value[0] === 'string' ? [value] : value
  return list.map((entry) => String((entry as unknown[])[0]))
}
