import { cac } from 'cac'
import { isExportError } from './errors.js'
import type { ExportEvent } from './events.js'
import { exportOnnx } from './export.js'
import type { ExportOptions } from './options.js'
import { EXPORTER_VERSION } from './version.js'

/** Where the CLI writes its lines: process streams in the bin, arrays in tests. */
export interface CliOutput {
  out(line: string): void
  err(line: string): void
}

/** Exit statuses: 0 success, 1 the export failed, 2 the command line is wrong. */
export type ExitCode = 0 | 1 | 2

/**
 * `gan-export <input> --out model.onnx [...]`: a thin shell over `exportOnnx()`. Flags become
 * options (validated there), events become one line each (NDJSON with --json), errors one line on
 * stderr.
 */
export async function runCli(args: readonly string[], output: CliOutput): Promise<ExitCode> {
  const cli = cac('gan-export')
  let status: ExitCode = 0
  cli
    .command('<input>', 'Convert a training run directory (gan.json), a TF.js model directory or a model.json to ONNX')
    .option('--out <file>', 'Output .onnx path (required; written atomically)')
    .option('--no-verify', 'Skip comparing ONNX Runtime with TF.js predict')
    .option('--tolerance <x>', 'Largest allowed max |ONNX − TF.js| (default 1e-4)')
    .option('--name <name>', 'Model name, gan.name (default: gan.json, else the model name)')
    .option('--license <spdx>', 'SPDX licence of the weights, gan.license (default: gan.json, else unknown)')
    .option('--description <text>', 'Description, gan.description (default: built from gan.json)')
    .option('--range <min,max>', 'Output value range, written --range=-1,1 (default: gan.json, else tanh/sigmoid)')
    .option('--labels <a,b,...>', 'Class labels of a conditional model, gan.labels (default: gan.json, else none)')
    .option('--latent-distribution <normal|uniform>', 'Latent distribution (default: gan.json, else normal)')
    .option('--json', 'Print events as NDJSON')
    .example('gan-export runs/mnist --out models/mnist.onnx --license MIT')
    .action(async (input: string, flags: { verify: boolean; json?: boolean }) => {
      const flag = (name: string) => rawFlag(args, name)
      const out = flag('out')
      if (out === undefined) {
        output.err('[gan-export] missing --out <file>: where to write the .onnx model.')
        status = 2
        return
      }
      const options: Record<string, unknown> = { out, verify: flags.verify }
      const tolerance = flag('tolerance')
      if (tolerance !== undefined) options['tolerance'] = Number(tolerance)
      for (const key of ['name', 'license', 'description'] as const) if (flag(key) !== undefined) options[key] = flag(key)
      const range = flag('range')
      if (range !== undefined) options['range'] = range.split(',').map((v) => Number(v.trim()))
      const labels = flag('labels')
      if (labels !== undefined)
        options['labels'] = labels
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
      if (flag('latent-distribution') !== undefined) options['latentDistribution'] = flag('latent-distribution')
      options['onEvent'] = flags.json ? (e: ExportEvent) => output.out(JSON.stringify(e)) : (e: ExportEvent) => output.out(describeEvent(e))
      // Values stay loose here: exportOnnx validates them (ERR_INVALID_OPTION).
      await exportOnnx(input, options as ExportOptions)
    })
  cli.help()
  cli.version(EXPORTER_VERSION)

  try {
    cli.parse(['node', 'gan-export', ...args], { run: false })
    // Only --help and --version match no command; cac has printed them.
    if (cli.matchedCommand === undefined) return 0
    await cli.runMatchedCommand()
    return status
  } catch (err) {
    output.err(err instanceof Error ? err.message : String(err))
    // cac's own errors (unknown option, missing value) and bad flag values are usage errors.
    if (isExportError(err, 'ERR_INVALID_OPTION') || (err instanceof Error && err.name === 'CACError')) return 2
    return 1
  }
}

/**
 * The last value given for `--name value` / `--name=value`, verbatim. cac (through mri) turns
 * numeric-looking values into numbers, so `--name 007` would become "7" and `--out 1e3` "1000".
 */
function rawFlag(args: readonly string[], name: string): string | undefined {
  let value: string | undefined
  args.forEach((arg, i) => {
    if (arg === `--${name}` && i + 1 < args.length) value = args[i + 1]
    else if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3)
  })
  return value
}

function describeEvent(e: ExportEvent): string {
  switch (e.type) {
    case 'read':
      return `read ${e.source}${e.runManifest ? ' (with gan.json)' : ''}: ${e.layers} layers, ${e.parameters.toLocaleString('en-US')} parameters`
    case 'converted':
      return `converted: ${e.nodes} ONNX nodes, opset ${e.opsetVersion}, ${(e.bytes / 1024).toFixed(1)} KiB`
    case 'verified':
      return `verified: max |ONNX − TF.js| = ${e.maxAbsDiff.toExponential(2)} over ${e.latents} latents (tolerance ${e.tolerance})`
    case 'written':
      return `wrote ${e.path}`
  }
}
