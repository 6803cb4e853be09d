import type { io } from '@tensorflow/tfjs-core'
import { contractToMetadata, discriminatorToMetadata, type DiscriminatorContract, type ModelContract } from 'gan-sdk/core'
import { buildContract, buildDiscriminatorContract } from './convert/build-contract.js'
import { convertModel } from './convert/convert.js'
import { analyzeInputs, type ModelShape } from './convert/model-analysis.js'
import { adoptGraph } from './engine/adopt-graph.js'
import { runTf2onnx } from './engine/tf2onnx.js'
import { OPSET_VERSION } from './convert/onnx-graph.js'
import { ExportError } from './errors.js'
import { optimizeGraph, type OptimizeReport } from './optimize/optimize.js'
import { toFloat16Weights } from './optimize/float16.js'
import { resolveExportOptions, type ExportOptions, type Role } from './options.js'
import { readSource } from './read/source.js'
import { parseTopology } from './read/topology.js'
import { WeightStore } from './read/weights.js'
import { finishModel, serializeModel, type ModelDescription } from './serialize.js'
import { float16Error, type Float16Error } from './verify/float16-error.js'
import { verificationInputs, type VerificationInputs } from './verify/verification-inputs.js'
import { verifyParity } from './verify/verify.js'
import { checkOutPath, writeModel } from './write/write-model.js'

/** What `exportOnnx()` produced. */
export interface ExportResult<Contract = ModelContract> {
  /** Where the model was written; absent when no `out` was given. */
  outPath?: string
  /** The ONNX model. */
  bytes: Uint8Array
  /** The contract embedded in the model's metadata_props. */
  contract: Contract
  /** Max |ONNX Runtime − TF.js| over the verification inputs; absent when `verify` was off. */
  maxAbsDiff?: number
  /** Node counts before and after optimisation; absent when `optimize` was off. */
  optimization?: OptimizeReport
  /** With `fp16`: the float32 model's size and the float16 model's largest output difference from it. */
  float16?: Float16Error & { float32Bytes: number }
  opsetVersion: number
}

/**
 * Convert a TF.js generator (or, with `role: 'discriminator'`, discriminator) to ONNX with the
 * gan-sdk model contract in its metadata, check it against TF.js, and optionally write it.
 *
 * @param source a training run directory (gan.json + generator/model.json), a TF.js layers model
 *   directory (model.json + weights.bin) or model.json file, or in-memory `tf.io.ModelArtifacts`
 *   (what `model.save(tf.io.withSaveHandler(…))` receives).
 * @throws ExportError with a stable `code`: ERR_INPUT, ERR_UNSUPPORTED_TOPOLOGY, ERR_UNSUPPORTED_LAYER,
 *   ERR_UNSUPPORTED_CONFIG, ERR_INVALID_WEIGHTS, ERR_CONTRACT, ERR_PARITY (a ParityError), ERR_VERIFY,
 *   ERR_WRITE, ERR_INVALID_OPTION.
 */
export async function exportOnnx(
  source: string | io.ModelArtifacts,
  options: ExportOptions & { role: 'discriminator' },
): Promise<ExportResult<DiscriminatorContract>>
export async function exportOnnx(
  source: string | io.ModelArtifacts,
  options?: ExportOptions & { role?: 'generator' },
): Promise<ExportResult>
export async function exportOnnx(
  source: string | io.ModelArtifacts,
  options: ExportOptions,
): Promise<ExportResult<ModelContract | DiscriminatorContract>>
export async function exportOnnx(
  source: string | io.ModelArtifacts,
  options: ExportOptions = {},
): Promise<ExportResult<ModelContract | DiscriminatorContract>> {
  const opts = resolveExportOptions(options)
  const { artifacts, run, origin, dir } = await readSource(source, opts.role, opts.step)
  if (opts.out !== undefined) await checkOutPath(opts.out, dir)
  const topology = parseTopology(artifacts.modelTopology, opts.role === 'discriminator' ? 'first' : 'one')
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new ExportError('ERR_INPUT', 'the model artifacts carry no weights (weightSpecs/weightData). Save the model with its weights.')
  }
  const weights = new WeightStore(artifacts.weightSpecs, artifacts.weightData)
  opts.onEvent({
    type: 'read',
    source: origin,
    runManifest: run !== undefined,
    role: opts.role,
    layers: topology.layers.length,
    parameters: weights.parameterCount(topology.layers.map((l) => l.name)),
  })

  const result: Omit<ExportResult<ModelContract | DiscriminatorContract>, 'bytes' | 'contract'> = { opsetVersion: OPSET_VERSION }
  let shape: ModelShape
  let bytes: Uint8Array
  let contract: ModelContract | DiscriminatorContract
  let inputs: VerificationInputs
  if (opts.engine === 'tf2onnx') {
    if (topology.extraOutputs > 0) {
      throw new ExportError(
        'ERR_UNSUPPORTED_TOPOLOGY',
        `the discriminator has ${topology.extraOutputs} output(s) after its logit (a classifier or decoder head), which the tf2onnx engine would convert too: export it with the native engine (leave --engine out).`,
      )
    }
    weights.checkAll()
    const adopted = adoptGraph(await runTf2onnx(artifacts), analyzeInputs(topology, opts.role))
    shape = adopted.shape
    contract = contractOf(opts.role, shape, run, opts.overrides, topology.modelName)
    inputs = verificationInputsOf(shape, contract)
    bytes = await finishModel(adopted.model, shape, describe(contract))
    opts.onEvent({ type: 'converted', nodes: adopted.model.graph!.node.length, opsetVersion: OPSET_VERSION, bytes: bytes.byteLength })
  } else {
    const converted = convertModel(topology, weights, opts.role)
    shape = converted
    if (opts.optimize) {
      result.optimization = optimizeGraph(converted.graph, [converted.output.name])
      opts.onEvent({ type: 'optimized', ...result.optimization })
    }
    contract = contractOf(opts.role, converted, run, opts.overrides, topology.modelName)
    inputs = verificationInputsOf(shape, contract)
    bytes = await serializeModel(converted, describe(contract))
    if (opts.fp16) {
      const float32 = bytes
      const narrowed = toFloat16Weights(converted.graph)
      bytes = await serializeModel(converted, describe(contract))
      const error = await float16Error(
        float32,
        bytes,
        inputs,
        converted.output.name,
        opts.role === 'generator' ? contract.range : undefined,
      )
      result.float16 = { ...error, float32Bytes: float32.byteLength }
      opts.onEvent({ type: 'float16', bytes: bytes.byteLength, float32Bytes: float32.byteLength, weights: narrowed, ...error })
    }
    opts.onEvent({ type: 'converted', nodes: converted.graph.nodes.length, opsetVersion: OPSET_VERSION, bytes: bytes.byteLength })
  }

  if (opts.verify) {
    result.maxAbsDiff = await verifyParity(artifacts, bytes, shape, inputs, opts.tolerance)
    opts.onEvent({
      type: 'verified',
      maxAbsDiff: result.maxAbsDiff,
      tolerance: opts.tolerance,
      latents: inputs.rows,
      classes: inputs.classes,
      precision: opts.fp16 ? 'float16' : 'float32',
    })
  }
  if (opts.out !== undefined) {
    await writeModel(opts.out, bytes)
    result.outPath = opts.out
    opts.onEvent({ type: 'written', path: opts.out, bytes: bytes.byteLength })
  }
  return { ...result, bytes, contract }
}

function contractOf(role: Role, ...args: Parameters<typeof buildContract>): ModelContract | DiscriminatorContract {
  return role === 'generator' ? buildContract(...args) : buildDiscriminatorContract(...args)
}

function describe(contract: ModelContract | DiscriminatorContract): ModelDescription {
  return {
    name: contract.name,
    description: contract.description,
    range: contract.range,
    metadata: 'role' in contract ? discriminatorToMetadata(contract) : contractToMetadata(contract),
  }
}

function verificationInputsOf(shape: ModelShape, contract: ModelContract | DiscriminatorContract): VerificationInputs {
  return verificationInputs({
    ...shape,
    range: contract.range,
    ...('latentDistribution' in contract ? { latentDistribution: contract.latentDistribution } : {}),
  })
}
