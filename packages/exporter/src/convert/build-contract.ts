import type { ModelContract, RunManifest } from 'gan-sdk/core'
import { INPUT_NAME, OUTPUT_NAME, type ConvertedGraph } from './convert.js'
import { ExportError } from '../errors.js'
import type { ContractOverrides } from '../options.js'

/** Output ranges implied by a bounded final activation. */
const RANGE_OF_ACTIVATION: Record<string, [number, number]> = { tanh: [-1, 1], sigmoid: [0, 1], hard_sigmoid: [0, 1] }

/**
 * The model contract of a converted generator. Precedence per field: export options, then the
 * run's gan.json, then what the model implies. Shapes always come from the model; a gan.json that
 * contradicts them is an error rather than a silently wrong contract.
 */
export function buildContract(
  converted: ConvertedGraph,
  run: RunManifest | undefined,
  overrides: ContractOverrides,
  modelName: string,
): ModelContract {
  const { latentSize, width, height, channels } = converted
  if (run !== undefined) {
    const model: Record<string, number | string> = { latentSize, width, height, channels, layout: 'NHWC' }
    for (const [field, actual] of Object.entries(model)) {
      const declared = run[field as keyof RunManifest]
      if (declared !== undefined && declared !== actual) {
        throw new ExportError(
          'ERR_CONTRACT',
          `gan.json declares ${field} ${JSON.stringify(declared)} but the generator's is ${JSON.stringify(actual)}; the run directory is inconsistent. Point the exporter at the generator directory (model.json) to export without gan.json.`,
        )
      }
    }
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ExportError(
      'ERR_CONTRACT',
      `the generator outputs ${channels} channels (${height}×${width}×${channels}); images have 1 (grey), 3 (RGB) or 4 (RGBA).`,
    )
  }
  const range = overrides.range ?? run?.range ?? RANGE_OF_ACTIVATION[converted.finalActivation]
  if (range === undefined) {
    throw new ExportError(
      'ERR_CONTRACT',
      `cannot infer the output range: the output's last activation is ${converted.finalActivation}, not tanh or sigmoid. Pass range (CLI: --range=-1,1) or set "range" in gan.json.`,
    )
  }
  const name = overrides.name ?? run?.name ?? modelName
  return {
    latentSize,
    latentDistribution: overrides.latentDistribution ?? run?.latentDistribution ?? 'normal',
    inputName: INPUT_NAME,
    outputName: OUTPUT_NAME,
    layout: 'NHWC',
    range: [range[0], range[1]],
    width,
    height,
    channels,
    labels: [...(overrides.labels ?? run?.labels ?? [])],
    license: overrides.license ?? run?.license ?? 'unknown',
    name,
    description: overrides.description ?? describeRun(name, run, converted),
  }
}

function describeRun(name: string, run: RunManifest | undefined, { width, height, channels }: ConvertedGraph): string {
  const images = `${width}×${height}×${channels} images`
  if (run === undefined) return `GAN generator "${name}" (${images}), converted from TF.js by @gan-sdk/exporter.`
  const details = [
    run.steps !== undefined ? `${run.steps} steps` : undefined,
    run.emaDecay ? `EMA weights, decay ${run.emaDecay}` : undefined,
  ].filter(Boolean)
  return `GAN generator "${name}" (${images}) trained by @gan-sdk/trainer on ${run.dataset ?? 'an unnamed dataset'}${details.length ? ` (${details.join(', ')})` : ''}.`
}
