import { writeFileAtomic } from '@gan-sdk/internal'
import type { io } from '@tensorflow/tfjs-core'
import { contractToMetadata, METADATA_KEYS, weightsDigest, type ModelContract } from 'gan-sdk/core'
import { buildContract } from './convert/build-contract.js'
import { convertLayers, INPUT_NAME, OUTPUT_NAME } from './convert/convert.js'
import { OPSET_VERSION } from './convert/onnx-graph.js'
import { ExportError } from './errors.js'
import { resolveExportOptions, type ExportOptions } from './options.js'
import { readSource } from './read/source.js'
import { parseTopology } from './read/topology.js'
import { WeightStore } from './read/weights.js'
import { VERIFY_LATENTS } from './verify/verification-latents.js'
import { verifyParity } from './verify/verify.js'
import { EXPORTER_VERSION } from './version.js'

/** What `exportOnnx()` produced. */
export interface ExportResult {
  /** Where the model was written; absent when no `out` was given. */
  outPath?: string
  /** The ONNX model. */
  bytes: Uint8Array
  /** The contract embedded in the model's metadata_props. */
  contract: ModelContract
  /** Max |ONNX Runtime − TF.js| over the verification latents; absent when `verify` was off. */
  maxAbsDiff?: number
  opsetVersion: number
}

/**
 * Convert a TF.js generator to ONNX with the gan-sdk model contract in its metadata, check it against
 * TF.js, and optionally write it.
 *
 * @param source a training run directory (gan.json + generator/model.json), a TF.js layers model
 *   directory (model.json + weights.bin) or model.json file, or in-memory `tf.io.ModelArtifacts`
 *   (what `model.save(tf.io.withSaveHandler(…))` receives).
 * @throws ExportError with a stable `code`: ERR_INPUT, ERR_UNSUPPORTED_TOPOLOGY, ERR_UNSUPPORTED_LAYER,
 *   ERR_UNSUPPORTED_CONFIG, ERR_CONTRACT, ERR_PARITY (a ParityError), ERR_VERIFY, ERR_WRITE,
 *   ERR_INVALID_OPTION.
 */
export async function exportOnnx(source: string | io.ModelArtifacts, options: ExportOptions = {}): Promise<ExportResult> {
  const opts = resolveExportOptions(options)
  const { artifacts, run, origin } = await readSource(source)
  const topology = parseTopology(artifacts.modelTopology)
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new ExportError('ERR_INPUT', 'the model artifacts carry no weights (weightSpecs/weightData). Save the model with its weights.')
  }
  const weights = new WeightStore(artifacts.weightSpecs, artifacts.weightData)
  opts.onEvent({
    type: 'read',
    source: origin,
    runManifest: run !== undefined,
    layers: topology.layers.length,
    parameters: weights.parameterCount,
  })

  const converted = convertLayers(topology, weights)
  const contract = buildContract(converted, run, opts.overrides, topology.modelName)
  const bytes = converted.graph.toBytes({
    graphName: contract.name,
    input: { name: INPUT_NAME, dims: [converted.latentSize] },
    output: { name: OUTPUT_NAME, dims: [contract.height, contract.width, contract.channels] },
    metadata: { ...contractToMetadata(contract), [METADATA_KEYS.weightsSha256]: await weightsDigest(converted.graph.initializers) },
    producerVersion: EXPORTER_VERSION,
    docString: [
      contract.description,
      `Input "${INPUT_NAME}" [batch, ${contract.latentSize}], output "${OUTPUT_NAME}" [batch, ${contract.height}, ${contract.width}, ${contract.channels}] (NHWC) in [${contract.range.join(', ')}]; contract in metadata_props (gan.*).`,
    ]
      .filter((part) => part !== '')
      .join(' '),
  })
  opts.onEvent({ type: 'converted', nodes: converted.graph.nodes.length, opsetVersion: OPSET_VERSION, bytes: bytes.byteLength })

  const result: ExportResult = { bytes, contract, opsetVersion: OPSET_VERSION }
  if (opts.verify) {
    result.maxAbsDiff = await verifyParity(artifacts, bytes, contract, opts.tolerance)
    opts.onEvent({ type: 'verified', maxAbsDiff: result.maxAbsDiff, tolerance: opts.tolerance, latents: VERIFY_LATENTS })
  }
  if (opts.out !== undefined) {
    await writeModel(opts.out, bytes)
    result.outPath = opts.out
    opts.onEvent({ type: 'written', path: opts.out, bytes: bytes.byteLength })
  }
  return result
}

/** Write the model atomically and durably (fsync before the rename); a failure is ERR_WRITE naming the path. */
async function writeModel(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, bytes, { fsync: true })
  } catch (err) {
    throw new ExportError(
      'ERR_WRITE',
      `cannot write ${path}: ${(err as Error).message}. Check that the directory is writable and that the path is not a directory.`,
      { cause: err },
    )
  }
}
