import type { DiscriminatorContract, ModelContract, RunManifest } from 'gan-sdk/core'
import { ExportError } from '../errors.js'
import type { ContractOverrides } from '../options.js'
import type { ModelShape } from './model-analysis.js'

/** Output ranges implied by a bounded final activation. */
const RANGE_OF_ACTIVATION: Record<string, [number, number]> = { tanh: [-1, 1], sigmoid: [0, 1], hard_sigmoid: [0, 1] }

/** Metadata keys of a discriminator that a generator's contract does not have. */

/**
 * The model contract of a converted generator. Precedence per field: export options, then the
 * run's gan.json, then what the model implies. Shapes always come from the model; a gan.json that
 * contradicts them is an error rather than a silently wrong contract.
 */
export function buildContract(
  converted: ModelShape,
  run: RunManifest | undefined,
  overrides: ContractOverrides,
  modelName: string,
): ModelContract {
  const { latentSize } = converted
  const common = commonFields(converted, run, overrides, modelName, { latentSize, layout: 'NHWC' })
  const range = overrides.range ?? run?.range ?? RANGE_OF_ACTIVATION[converted.finalActivation]
  if (range === undefined) {
    throw new ExportError(
      'ERR_CONTRACT',
      `cannot infer the output range: the output's last activation is ${converted.finalActivation}, not tanh or sigmoid. Pass range (CLI: --range=-1,1) or set "range" in gan.json.`,
    )
  }
  return {
    latentSize,
    latentDistribution: overrides.latentDistribution ?? run?.latentDistribution ?? 'normal',
    inputName: converted.inputs[0]!.name,
    outputName: converted.output.name,
    layout: 'NHWC',
    range: [range[0], range[1]],
    ...common,
    description: overrides.description ?? describeRun('generator', common.name, run, converted),
  }
}

/** The contract of a converted discriminator; the input range must come from the options or gan.json. */
export function buildDiscriminatorContract(
  converted: ModelShape,
  run: RunManifest | undefined,
  overrides: ContractOverrides,
  modelName: string,
): DiscriminatorContract {
  const common = commonFields(converted, run, overrides, modelName, {})
  const range = overrides.range ?? run?.range
  if (range === undefined) {
    throw new ExportError(
      'ERR_CONTRACT',
      'a discriminator does not show the range of the images it takes. Pass range (CLI: --range=-1,1), the output range of its generator, or set "range" in gan.json.',
    )
  }
  return {
    role: 'discriminator',
    inputName: converted.inputs[0]!.name,
    outputName: converted.output.name,
    layout: 'NHWC',
    range: [range[0], range[1]],
    ...common,
    description: overrides.description ?? describeRun('discriminator', common.name, run, converted),
  }
}

/** Image shape, classes, licence and name: checked against gan.json, then filled by precedence. */
function commonFields(
  converted: ModelShape,
  run: RunManifest | undefined,
  overrides: ContractOverrides,
  modelName: string,
  declared: Record<string, number | string>,
) {
  const { width, height, channels, classes } = converted
  if (run !== undefined) {
    const model: Record<string, number | string> = { ...declared, width, height, channels }
    for (const [field, actual] of Object.entries(model)) {
      const value = run[field as keyof RunManifest]
      if (value !== undefined && value !== actual) {
        throw new ExportError(
          'ERR_CONTRACT',
          `gan.json declares ${field} ${JSON.stringify(value)} but the ${converted.role}'s is ${JSON.stringify(actual)}; the run directory is inconsistent. Point the exporter at the model directory (model.json) to export without gan.json.`,
        )
      }
    }
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ExportError(
      'ERR_CONTRACT',
      `the ${converted.role} ${converted.role === 'generator' ? 'outputs' : 'takes'} ${channels} channels (${height}×${width}×${channels}); images have 1 (grey), 3 (RGB) or 4 (RGBA).`,
    )
  }
  const labels = [...(overrides.labels ?? run?.labels ?? [])]
  if (classes !== undefined && labels.length !== classes) {
    const given = labels.length === 0 ? 'no labels were given' : `${labels.length} labels were given (${JSON.stringify(labels)})`
    throw new ExportError(
      'ERR_CONTRACT',
      `the ${converted.role} is conditional on ${classes} classes (its Embedding's input_dim) but ${given}. Name the classes in index order: labels (CLI: --labels a,b,…) or "labels" in gan.json.`,
    )
  }
  return {
    width,
    height,
    channels: channels as 1 | 3 | 4,
    labels,
    ...(classes !== undefined ? { labelInput: converted.inputs[1]!.name } : {}),
    license: overrides.license ?? run?.license ?? 'unknown',
    name: overrides.name ?? run?.name ?? modelName,
  }
}

function describeRun(role: 'generator' | 'discriminator', name: string, run: RunManifest | undefined, converted: ModelShape): string {
  const { width, height, channels, classes } = converted
  const what = `${width}×${height}×${channels} images${classes !== undefined ? `, ${classes} classes` : ''}`
  const head = role === 'generator' ? `GAN generator "${name}" (${what})` : `GAN discriminator "${name}" (${what} → one logit, real > 0)`
  if (run === undefined) return `${head}, converted from TF.js by @gan-sdk/exporter.`
  const details = [
    run.steps !== undefined ? `${run.steps} steps` : undefined,
    role === 'generator' && run.emaDecay ? `EMA weights, decay ${run.emaDecay}` : undefined,
  ].filter(Boolean)
  return `${head} trained by @gan-sdk/trainer on ${run.dataset ?? 'an unnamed dataset'}${details.length ? ` (${details.join(', ')})` : ''}.`
}
