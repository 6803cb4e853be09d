import { ExportError } from '../errors.js'

/** One Keras layer as TF.js serialises it (snake_case config keys). */
export interface LayerSpec {
  className: string
  name: string
  config: Record<string, unknown>
}

/** A layer of the graph with the layers whose outputs it takes, in call order. */
export interface LayerNode extends LayerSpec {
  inbound: string[]
}

/** A model input: an InputLayer (or, in a Sequential model, the first layer's declared input). */
export interface ModelInput {
  name: string
  /** Shape including the batch dimension, e.g. `[null, 100]`. */
  shape: Array<number | null>
  /** TF.js dtype, e.g. `float32` or `int32`. */
  dtype: string
}

/** A model reduced to what the converter walks: its inputs, its layers from inputs to output, its output. */
export interface Topology {
  /** The model's own name (`config.name`), e.g. `generator`. */
  modelName: string
  inputs: ModelInput[]
  /** Every layer but the InputLayers, each after the layers it takes. */
  layers: LayerNode[]
  /** The layer whose output is the model's output. */
  output: string
  /** Outputs the model has after `output`, which the graph leaves out (a discriminator's training heads). */
  extraOutputs: number
}

interface RawLayer {
  class_name?: unknown
  name?: unknown
  config?: Record<string, unknown>
  inbound_nodes?: unknown
}

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional'])

/**
 * Read a Keras model topology (what `model.toJSON()` / model.json hold) as a graph of layers.
 * Sequential models are chains; a functional Model may branch and merge and have several inputs,
 * as long as each layer is called once (no shared layers) and there is one output, or with
 * `outputs: 'first'` (for discriminators, whose logit comes first and whose training heads, a
 * classifier or a decoder, follow it) any number, of which the graph keeps the first.
 */
export function parseTopology(modelTopology: unknown, outputs: 'one' | 'first' = 'one'): Topology {
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
  for (const layer of raw) {
    if (MODEL_CLASSES.has(String(layer.class_name))) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `layer "${nameOf(layer)}" is a nested ${String(layer.class_name)}; nested models do not convert. Rebuild the model as one flat Sequential or functional model.`,
      )
    }
  }
  const modelName = typeof config.name === 'string' ? config.name : 'model'
  const graph = className === 'Sequential' ? sequentialGraph(raw) : functionalGraph(raw, config.input_layers, config.output_layers, outputs)
  return { modelName, ...graph }
}

function nameOf(layer: RawLayer): string {
  return String(layer.name ?? layer.config?.['name'])
}

function toNode(layer: RawLayer, inbound: string[]): LayerNode {
  return { className: String(layer.class_name), name: nameOf(layer), config: layer.config ?? {}, inbound }
}

function declaredInput(layer: RawLayer, name: string): ModelInput {
  const config = layer.config ?? {}
  const shape = config['batch_input_shape'] ?? config['batch_shape']
  if (!Array.isArray(shape)) {
    throw new ExportError(
      'ERR_INPUT',
      `layer "${nameOf(layer)}" declares no input shape (batch_input_shape); the model was saved before it was built. Build it with an inputShape and save again.`,
    )
  }
  return { name, shape: shape as Array<number | null>, dtype: typeof config['dtype'] === 'string' ? config['dtype'] : 'float32' }
}

/** A Sequential model: one input (an InputLayer, or the first layer's declared shape), then a chain. */
function sequentialGraph(raw: RawLayer[]): Omit<Topology, 'modelName'> {
  const explicit = String(raw[0]!.class_name) === 'InputLayer'
  const input = declaredInput(raw[0]!, explicit ? nameOf(raw[0]!) : `${nameOf(raw[0]!)}/input`)
  const chain = explicit ? raw.slice(1) : raw
  const layers = chain.map((layer, i) => toNode(layer, [i === 0 ? input.name : nameOf(chain[i - 1]!)]))
  return { inputs: [input], layers, output: layers.length ? layers[layers.length - 1]!.name : input.name, extraOutputs: 0 }
}

/** A functional model: the layers the (first) output depends on, each after its inputs. */
function functionalGraph(raw: RawLayer[], inputLayers: unknown, outputLayers: unknown, keep: 'one' | 'first'): Omit<Topology, 'modelName'> {
  const inputNames = endpoints(inputLayers)
  const outputs = endpoints(outputLayers)
  if (outputs.length === 0 || (outputs.length > 1 && keep === 'one')) {
    throw new ExportError(
      'ERR_UNSUPPORTED_TOPOLOGY',
      `the model has ${outputs.length} outputs; a generator has one image output and a discriminator one logit.`,
    )
  }
  const byName = new Map(raw.map((l) => [nameOf(l), l]))
  const inputs = inputNames.map((name) => {
    const layer = byName.get(name)
    if (layer === undefined || String(layer.class_name) !== 'InputLayer') {
      throw new ExportError('ERR_INPUT', `the model's input "${name}" is not an InputLayer of the model; re-save the model.`)
    }
    return declaredInput(layer, name)
  })
  const inbound = new Map<string, string[]>()
  for (const layer of raw) {
    const name = nameOf(layer)
    if (inputNames.includes(name)) continue
    inbound.set(name, inboundOf(layer))
  }
  const ordered: LayerNode[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (name: string, from: string) => {
    if (inputNames.includes(name) || state.get(name) === 'done') return
    const layer = byName.get(name)
    if (layer === undefined)
      throw new ExportError('ERR_INPUT', `layer "${from}" takes the output of "${name}", which the model does not have.`)
    if (state.get(name) === 'visiting') throw new ExportError('ERR_INPUT', `the model's layers form a cycle through "${name}".`)
    state.set(name, 'visiting')
    for (const source of inbound.get(name)!) visit(source, name)
    state.set(name, 'done')
    ordered.push(toNode(layer, inbound.get(name)!))
  }
  visit(outputs[0]!, outputs[0]!)
  return { inputs, layers: ordered, output: outputs[0]!, extraOutputs: outputs.length - 1 }
}

/** The layers a functional layer takes, from its one call (`inbound_nodes` [[[name, 0, 0, {}], …]]). */
function inboundOf(layer: RawLayer): string[] {
  const name = nameOf(layer)
  const nodes = layer.inbound_nodes
  if (!Array.isArray(nodes) || !nodes.every(Array.isArray)) {
    throw new ExportError(
      'ERR_UNSUPPORTED_TOPOLOGY',
      `layer "${name}" has inbound_nodes in a format this exporter does not read (Keras 3?). Save the model with TF.js or Keras 2.`,
    )
  }
  if (nodes.length !== 1) {
    const why = nodes.length === 0 ? 'is not connected to an input' : `is called ${nodes.length} times (a shared layer)`
    throw new ExportError('ERR_UNSUPPORTED_TOPOLOGY', `layer "${name}" ${why}; each layer must be called exactly once.`)
  }
  return (nodes[0] as unknown[]).map((entry) => {
    const [source, nodeIndex, tensorIndex] = Array.isArray(entry) ? (entry as unknown[]) : []
    if (typeof source !== 'string' || nodeIndex !== 0 || tensorIndex !== 0) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `layer "${name}" takes ${JSON.stringify(entry)}: a second call or a second output of a layer (a shared or multi-output layer); each layer must be called exactly once.`,
      )
    }
    return source
  })
}

/** Layer names of `input_layers` / `output_layers` entries `[name, nodeIndex, tensorIndex]`. */
function endpoints(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  // A single endpoint may be stored unwrapped: ["name", 0, 0].
  const list = typeof value[0] === 'string' ? [value] : value
  return list.map((entry) => String((entry as unknown[])[0]))
}
