import type { io } from '@tensorflow/tfjs-core'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ExportError } from './errors.js'

/** One Keras layer as TF.js serialises it. */
export interface LayerSpec {
  className: string
  name: string
  config: Record<string, unknown>
}

/** A TF.js layers model read into memory: the ordered layer chain and its named float32 weights. */
export interface LayersModelData {
  layers: LayerSpec[]
  weights: Map<string, { shape: number[]; data: Float32Array }>
  /** The artifacts, for loading the same model into TF.js (parity check). */
  artifacts: io.ModelArtifacts
}

/** Read `dir/model.json` + its weight shards (the TF.js layers format). */
export async function readLayersModelDir(dir: string): Promise<io.ModelArtifacts> {
  const path = join(dir, 'model.json')
  let json: io.ModelJSON
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as io.ModelJSON
  } catch (err) {
    throw new ExportError('ERR_EXPORT_INPUT', `cannot read ${path}: ${(err as Error).message}. Pass a training run directory (with gan.json) or a TF.js model directory (with model.json + weights.bin).`, { cause: err })
  }
  if (json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
    throw new ExportError('ERR_EXPORT_INPUT', `${path} is not a TF.js layers model (no modelTopology/weightsManifest).`)
  }
  const shards = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map(async (p) => {
      const file = join(dir, p)
      try {
        return new Uint8Array(await readFile(file))
      } catch (err) {
        throw new ExportError('ERR_EXPORT_INPUT', `weights shard ${file} listed in ${path} cannot be read.`, { cause: err })
      }
    }),
  )
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0))
  let offset = 0
  for (const s of shards) {
    weightData.set(s, offset)
    offset += s.byteLength
  }
  return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: weightData.buffer }
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false
}

/** Parse artifacts into the layer chain and weights; only single-chain models are accepted. */
export function parseArtifacts(artifacts: io.ModelArtifacts): LayersModelData {
  const topology = artifacts.modelTopology as { class_name?: string; config?: unknown; model_config?: { class_name: string; config: unknown } } | undefined
  const root = topology?.model_config ?? topology
  if (root === undefined || typeof root !== 'object' || !('class_name' in root)) {
    throw new ExportError('ERR_EXPORT_INPUT', 'the model topology is missing or not a Keras layers topology (expected class_name Sequential or Model).')
  }
  const config = root.config as { layers?: Array<{ class_name: string; config: Record<string, unknown>; inbound_nodes?: unknown[] }> } | undefined
  const rawLayers = config?.layers ?? []
  if (root.class_name !== 'Sequential' && root.class_name !== 'Model' && root.class_name !== 'Functional') {
    throw new ExportError('ERR_EXPORT_INPUT', `model class ${String(root.class_name)} is not supported; export a Sequential model or a single-chain functional Model.`)
  }
  if (root.class_name !== 'Sequential') {
    // A functional model converts when it is a chain: each layer fed by exactly the one before it.
    rawLayers.forEach((layer, i) => {
      const inbound = JSON.stringify(layer.inbound_nodes ?? [])
      const previous = rawLayers[i - 1]?.config['name']
      if (i > 0 && !(inbound.match(/\[\s*"[^"]+"/g)?.length === 1 && inbound.includes(`"${String(previous)}"`))) {
        throw new ExportError('ERR_EXPORT_INPUT', `layer "${String(layer.config['name'])}" is not fed by exactly the previous layer; only single-chain models convert today.`)
      }
    })
  }
  const layers = rawLayers.map((l) => ({ className: l.class_name, name: String(l.config['name']), config: l.config }))

  const weights = new Map<string, { shape: number[]; data: Float32Array }>()
  const data = artifacts.weightData
  if (data === undefined || artifacts.weightSpecs === undefined) throw new ExportError('ERR_EXPORT_INPUT', 'the model has no weights.')
  const buffer = Array.isArray(data) ? concat(data) : data
  let offset = 0
  for (const spec of artifacts.weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1)
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new ExportError('ERR_UNSUPPORTED_CONFIG', `weight ${spec.name} is ${spec.quantization ? 'quantized' : spec.dtype}; only float32 weights convert.`)
    }
    if (offset + size * 4 > buffer.byteLength) throw new ExportError('ERR_EXPORT_INPUT', `weights end early: ${spec.name} needs bytes ${offset}–${offset + size * 4}, the data has ${buffer.byteLength}.`)
    weights.set(spec.name, { shape: spec.shape, data: new Float32Array(buffer.slice(offset, offset + size * 4)) })
    offset += size * 4
  }
  return { layers, weights, artifacts }
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let o = 0
  for (const p of parts) {
    out.set(new Uint8Array(p), o)
    o += p.byteLength
  }
  return out.buffer
}
