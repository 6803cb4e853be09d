import type { io } from '@tensorflow/tfjs-core'
import { contractToMetadata, type ModelContract } from 'gan-sdk/contract'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { convertLayers, INPUT_NAME } from './convert.js'
import { ExportError } from './errors.js'
import { isDirectory, parseArtifacts, readLayersModelDir } from './layers-model.js'
import { OPSET_VERSION } from './onnx-graph.js'
import { resolveExportOptions, type ExportOptions } from './options.js'
import { maxAbsDifference } from './verify.js'

export const OUTPUT_NAME = 'image'
const PRODUCER_VERSION = '0.1.0'

export interface ExportResult {
  /** Where the model was written, when `out` was given. */
  outPath: string | undefined
  bytes: Uint8Array
  contract: ModelContract
  /** Max |ONNX − TF.js| on the verification batch; undefined when verify is off. */
  maxAbsDiff: number | undefined
  opsetVersion: number
}

/** What a trainer run's gan.json tells the exporter (a subset of the trainer's RunManifest). */
interface RunManifest {
  format: 'gan-sdk-run'
  name?: string
  license?: string
  labels?: string[]
  range?: [number, number]
  latentDistribution?: 'normal' | 'uniform'
  dataset?: string
  steps?: number
  generator: string
}

/**
 * Convert a TF.js generator to ONNX with the gan-sdk model contract in its metadata.
 * `source`: a training run directory (gan.json + generator/), a TF.js model directory
 * (model.json + weights.bin), or in-memory model artifacts.
 */
export async function exportOnnx(source: string | io.ModelArtifacts, options: ExportOptions = {}): Promise<ExportResult> {
  const opts = resolveExportOptions(options)
  const { artifacts, manifest } = await readSource(source)
  const model = parseArtifacts(artifacts)
  opts.onEvent({ type: 'read', layers: model.layers.length, weights: model.weights.size })

  const converted = convertLayers(model)
  const [height, width, channels] = converted.output.dims
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ExportError('ERR_EXPORT_INPUT', `the generator outputs ${channels} channels; images need 1, 3 or 4.`)
  }
  const range = opts.overrides.range ?? manifest?.range ?? RANGE_OF_ACTIVATION[converted.finalActivation ?? '']
  if (range === undefined) {
    throw new ExportError('ERR_INVALID_OPTION', `cannot tell the output range: the last activation is ${converted.finalActivation ?? 'linear'}. Pass range (e.g. --range -1,1).`)
  }
  const name = opts.overrides.name ?? manifest?.name ?? String((artifacts.modelTopology as { config?: { name?: string } })?.config?.name ?? 'generator')
  const contract: ModelContract = {
    latentSize: converted.latentSize,
    latentDistribution: opts.overrides.latentDistribution ?? manifest?.latentDistribution ?? 'normal',
    inputName: INPUT_NAME,
    outputName: OUTPUT_NAME,
    layout: 'NHWC',
    range: [range[0], range[1]],
    width,
    height,
    channels,
    labels: [...(opts.overrides.labels ?? manifest?.labels ?? [])],
    license: opts.overrides.license ?? manifest?.license ?? 'unknown',
    name,
    description:
      opts.overrides.description ??
      (manifest ? `GAN generator trained by @gan-sdk/trainer on ${manifest.dataset ?? 'a dataset'} for ${manifest.steps ?? '?'} steps.` : 'GAN generator exported by @gan-sdk/exporter.'),
  }
  const bytes = converted.graph.toModel({
    input: { name: INPUT_NAME, dims: [converted.latentSize] },
    output: { name: OUTPUT_NAME, dims: converted.output.dims, from: converted.output.name },
    metadata: contractToMetadata(contract),
    producerVersion: PRODUCER_VERSION,
    docString: contract.description,
    graphName: name,
  })
  opts.onEvent({ type: 'converted', nodes: converted.graph.nodes.length, bytes: bytes.byteLength })

  let maxAbsDiff: number | undefined
  if (opts.verify) {
    maxAbsDiff = await maxAbsDifference(artifacts, bytes, converted.latentSize, { input: INPUT_NAME, output: OUTPUT_NAME })
    opts.onEvent({ type: 'verified', maxAbsDiff, tolerance: opts.tolerance, batch: 8 })
    if (!(maxAbsDiff <= opts.tolerance)) {
      throw new ExportError('ERR_PARITY', `ONNX output differs from TF.js by up to ${maxAbsDiff} (tolerance ${opts.tolerance}); nothing was written. This is a converter bug: please report it with the model.`)
    }
  }
  if (opts.out !== undefined) {
    await writeFileAtomic(opts.out, bytes)
    opts.onEvent({ type: 'written', path: opts.out })
  }
  return { outPath: opts.out, bytes, contract, maxAbsDiff, opsetVersion: OPSET_VERSION }
}

const RANGE_OF_ACTIVATION: Record<string, [number, number]> = { tanh: [-1, 1], sigmoid: [0, 1] }

async function readSource(source: string | io.ModelArtifacts): Promise<{ artifacts: io.ModelArtifacts; manifest: RunManifest | undefined }> {
  if (typeof source !== 'string') return { artifacts: source, manifest: undefined }
  if (!(await isDirectory(source))) {
    throw new ExportError('ERR_EXPORT_INPUT', `${JSON.stringify(source)} is not a directory. Pass a training run directory (with gan.json) or a TF.js model directory (with model.json + weights.bin).`)
  }
  const manifestText = await readFile(join(source, 'gan.json'), 'utf8').catch(() => undefined)
  if (manifestText === undefined) return { artifacts: await readLayersModelDir(source), manifest: undefined }
  const manifest = JSON.parse(manifestText) as RunManifest
  if (manifest.format !== 'gan-sdk-run' || typeof manifest.generator !== 'string') {
    throw new ExportError('ERR_EXPORT_INPUT', `${join(source, 'gan.json')} is not a gan-sdk run manifest (format ${JSON.stringify(manifest.format)}).`)
  }
  return { artifacts: await readLayersModelDir(join(source, manifest.generator)), manifest }
}

async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`
  try {
    await writeFile(tmp, data)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
