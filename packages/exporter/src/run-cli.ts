import { parseFlags, plainNumber, runCommand, UsageError, type CliIo, type ExitCode } from '@gan-sdk/internal'
import { describeValue, LATENT_DISTRIBUTIONS, parseRange, RUN_MANIFEST_FILE } from 'gan-sdk/core'
import { ExportError } from './errors.js'
import type { ExportEvent } from './events.js'
import { exportOnnx } from './export.js'
import type { ExportOptions } from './options.js'
import { EXPORTER_VERSION } from './version.js'

export type { CliIo } from '@gan-sdk/internal'

const USAGE = `Usage: gan-export <input> --out <file> [options]

Convert a training run directory (gan.json), a TF.js model directory or a model.json to ONNX.

Options:
  --out <file>                 output .onnx path (required; written atomically)
  --no-verify                  skip comparing ONNX Runtime with TF.js predict
  --tolerance <x>              largest allowed max |ONNX − TF.js| (default: 1e-4; 2e-2 with --fp16)
  --discriminator              export the run's discriminator (image → logit, gan.role=discriminator)
  --step <n>                   export the run's kept checkpoint of step n (gan-train --keep-checkpoints),
                               not its last
  --fp16                       store the weights as float16 (half the size; inputs and outputs stay float32)
  --no-optimize                keep batch norms and layout nodes as converted (same outputs, more nodes)
  --engine <e>                 native (default) or tf2onnx (needs tensorflowjs_converter and tf2onnx)
  --name <name>                model name, gan.name (default: gan.json, else the model name)
  --license <spdx>             SPDX licence of the weights, gan.license (default: gan.json, else unknown)
  --description <text>         description, gan.description (default: built from gan.json)
  --range=<min,max>            output value range, e.g. --range=-1,1 (default: gan.json, else tanh/sigmoid)
  --labels <a,b,...>           class labels of a conditional model, gan.labels (default: gan.json, else none)
  --latent-distribution <d>    ${LATENT_DISTRIBUTIONS.join(' or ')} (default: gan.json, else normal)
  --json                       print events as NDJSON
  -h, --help                   show this help
  --version                    print the version

Example: gan-export runs/mnist --out models/mnist.onnx --license MIT`

/** The flags as node:util parseArgs reads them: values stay the strings typed (`--name 007` is "007"). */
const FLAGS = {
  out: { type: 'string' },
  // parseArgs has no negation, so --no-verify is a flag of its own.
  'no-verify': { type: 'boolean' },
  tolerance: { type: 'string' },
  discriminator: { type: 'boolean' },
  step: { type: 'string' },
  fp16: { type: 'boolean' },
  'no-optimize': { type: 'boolean' },
  engine: { type: 'string' },
  name: { type: 'string' },
  license: { type: 'string' },
  description: { type: 'string' },
  range: { type: 'string' },
  labels: { type: 'string' },
  'latent-distribution': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const

/** The flags of {@link FLAGS} that become export options, as typed. */
export interface ExportFlags {
  out?: string
  'no-verify'?: boolean
  tolerance?: string
  discriminator?: boolean
  step?: string
  fp16?: boolean
  'no-optimize'?: boolean
  engine?: string
  name?: string
  license?: string
  description?: string
  range?: string
  labels?: string
  'latent-distribution'?: string
}

/**
 * Flags (strings, as typed) → `exportOnnx()` options, less `onEvent`. Only the text forms are
 * parsed here (`--range` with the contract's own parser, `--labels` split on commas); every value
 * is validated by `resolveExportOptions()`, as for API callers. Throws a UsageError without
 * `--out`, and ERR_INVALID_OPTION for a `--range` that is not `min,max`. Never mutates `flags`.
 */
export function exportOptionsFromFlags(flags: ExportFlags): ExportOptions {
  if (flags.out === undefined) throw new UsageError('missing --out <file>: where to write the .onnx model')
  // Loose on purpose: exportOnnx validates the values (ERR_INVALID_OPTION) and says what it expected.
  const options: Record<string, unknown> = { out: flags.out, verify: !flags['no-verify'] }
  if (flags.tolerance !== undefined) {
    const tolerance = plainNumber(flags.tolerance)
    if (Number.isNaN(tolerance)) {
      throw new ExportError(
        'ERR_INVALID_OPTION',
        `--tolerance ${describeValue(flags.tolerance)} is invalid: pass a positive number written plainly, e.g. --tolerance 1e-4.`,
      )
    }
    options['tolerance'] = tolerance
  }
  if (flags.discriminator) options['role'] = 'discriminator'
  if (flags.step !== undefined) {
    const step = plainNumber(flags.step, true)
    if (!(step >= 1))
      throw new ExportError(
        'ERR_INVALID_OPTION',
        `--step ${describeValue(flags.step)} is invalid: pass the step of a kept checkpoint, e.g. --step 4000.`,
      )
    options['step'] = step
  }
  if (flags.fp16) options['fp16'] = true
  if (flags['no-optimize']) options['optimize'] = false
  if (flags.engine !== undefined) options['engine'] = flags.engine
  for (const key of ['name', 'license', 'description'] as const) if (flags[key] !== undefined) options[key] = flags[key]
  if (flags.range !== undefined) {
    const range = parseRange(flags.range)
    if (range === undefined) {
      throw new ExportError(
        'ERR_INVALID_OPTION',
        `--range ${describeValue(flags.range)} is invalid: pass min,max with finite min < max, written with "=", e.g. --range=-1,1.`,
      )
    }
    options['range'] = range
  }
  if (flags.labels !== undefined)
    options['labels'] = flags.labels
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
  if (flags['latent-distribution'] !== undefined) options['latentDistribution'] = flags['latent-distribution']
  return options as ExportOptions
}

/**
 * `gan-export <input> --out model.onnx [...]`, a thin shell over `exportOnnx()`: runs it on `argv`
 * (without the node and script paths) and resolves to the exit code: 0 done, 1 the export failed,
 * 2 a wrong command line. Events become one line each (NDJSON with --json); every failure is one
 * line on stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const json = argv.includes('--json')
  return runCommand(
    async () => {
      const { values, positionals } = parseFlags(argv, FLAGS, 1)
      if (values.help || values.version) {
        io.stdout(values.help ? USAGE : EXPORTER_VERSION)
        return
      }
      const [input] = positionals
      if (input === undefined) {
        throw new UsageError('missing <input>: a training run directory, a TF.js model directory or a model.json to convert')
      }
      const rows = values.discriminator ? 'images' : 'latents'
      const onEvent = (event: ExportEvent) => io.stdout(values.json ? JSON.stringify(event) : describeEvent(event, rows))
      await exportOnnx(input, { ...exportOptionsFromFlags(values), onEvent })
    },
    { tool: 'gan-export', io, json, usageCodes: ['ERR_INVALID_OPTION'] },
  )
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

function describeEvent(e: ExportEvent, rows: string): string {
  switch (e.type) {
    case 'read':
      return `read ${e.source}${e.runManifest ? ` (with ${RUN_MANIFEST_FILE})` : ''}${e.role === 'discriminator' ? ', the discriminator' : ''}: ${e.layers} layers, ${e.parameters.toLocaleString('en-US')} parameters`
    case 'optimized':
      return `optimized: ${e.nodesBefore} → ${e.nodesAfter} ONNX nodes (${e.foldedBatchNorms} batch norms folded, ${e.removedLayoutNodes} layout nodes removed)`
    case 'float16':
      return (
        `float16 weights (${e.weights} tensors, each cast to float32 in the graph): ${kib(e.bytes)}, ${((100 * e.bytes) / e.float32Bytes).toFixed(1)}% of float32's ${kib(e.float32Bytes)}; ` +
        `max |float16 − float32| = ${e.maxAbsDiff.toExponential(2)}${e.maxByteDiff === undefined ? '' : ` (${e.maxByteDiff} of 255 pixel levels)`}`
      )
    case 'converted':
      return `converted: ${e.nodes} ONNX nodes, opset ${e.opsetVersion}, ${kib(e.bytes)}`
    case 'verified':
      return `verified: max |ONNX − TF.js| = ${e.maxAbsDiff.toExponential(2)} over ${e.latents} ${rows}${e.classes > 0 ? ` and ${e.classes} classes` : ''} (tolerance ${e.tolerance}${e.precision === 'float16' ? ' for float16 weights' : ''})`
    case 'written':
      return `wrote ${e.path}`
  }
}
