import { createLiveLine, formatDuration, parseFlags, plainNumber, UsageError, type CliIo, type Terminal } from '@gan-sdk/internal'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import { bake, type BakeEvent, type BakeOptions } from '../bake/bake.js'
import { mergeBakes } from '../bake/merge.js'

export const BAKE_USAGE = `Usage: gan-sdk bake --seeds <seeds> --out <dir> [options]
       gan-sdk bake merge <shard dir>… --out <dir>

Bake GAN images into files at build time: <model>-<seed>[-<label>].<format> and gan-manifest.json.
Re-runs skip what is unchanged (no inference, no rewrite); a killed bake resumes where it stopped.

Options:
  --seeds <seeds>      seeds: ranges and lists, e.g. 0-99 or 1;5;hero (required)
  --out <dir>          output directory (required)
  --model <model>      a bundled model name (mnist, emoji), a .onnx path, or an http(s) URL (default: mnist)
  --labels <a,b,…>     classes of a conditional model: each seed once per label (default: the seed's own class)
  --truncation <ψ>     truncation, in (0, 1] (default: 1)
  --format <format>    png, webp or avif; webp and avif need sharp (npm i sharp) (default: png)
  --size <px>          resize to px × px (needs sharp) (default: the model's size)
  --quality <q>        webp/avif quality, 1–100 (default: 90 webp, 60 avif)
  --shard <i/n>        bake only shard i of n, e.g. 2/4 (default: all)
  --cache-dir <dir>    cache of finished images (default: node_modules/.cache/gan-sdk/bake)
  --concurrency <n>    encoder and writer threads (default: the cores but one, at least 2)
  --batch-size <n>     seeds per model run (default: 256)
  --json               print NDJSON events
  -h, --help           show this help

Example: gan-sdk bake --seeds 0-99 --out public/gan --format webp --size 128`

const FLAGS = {
  seeds: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  labels: { type: 'string' },
  truncation: { type: 'string' },
  format: { type: 'string' },
  size: { type: 'string' },
  quality: { type: 'string' },
  shard: { type: 'string' },
  'cache-dir': { type: 'string' },
  concurrency: { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Flags = Partial<Record<Exclude<keyof typeof FLAGS, 'json' | 'help'>, string>>

/** Flags (strings, as typed) → bake options; numbers must be written plainly and are quoted as typed when not. */
export function resolveBakeCommandOptions(flags: Flags): Omit<BakeOptions, 'onProgress'> {
  if (flags.seeds === undefined) throw new UsageError('missing --seeds: which seeds to bake, e.g. --seeds 0-99')
  if (flags.out === undefined) throw new UsageError('missing --out: the directory to bake into')
  const integer = (flag: string, raw: string | undefined) => {
    if (raw === undefined) return undefined
    const value = plainNumber(raw, true)
    if (Number.isNaN(value))
      throw new GanError('ERR_INVALID_OPTION', `--${flag} ${describeValue(raw)} is invalid: pass a positive integer.`)
    return value
  }
  const truncation = flags.truncation
  const psi = truncation === undefined ? undefined : plainNumber(truncation)
  if (truncation !== undefined && !(psi! > 0 && psi! <= 1)) {
    throw new GanError('ERR_INVALID_OPTION', `--truncation ${describeValue(truncation)} is invalid: pass ψ in (0, 1], e.g. 0.7.`)
  }
  const options: Omit<BakeOptions, 'onProgress'> = { seeds: flags.seeds, outDir: flags.out }
  if (flags.model !== undefined) options.model = flags.model
  if (flags.labels !== undefined)
    options.labels = flags.labels.split(',').map((l) => (/^\d+$/.test(l.trim()) ? Number(l.trim()) : l.trim()))
  if (psi !== undefined) options.truncation = psi
  if (flags.format !== undefined) options.format = flags.format as BakeOptions['format']
  if (flags.shard !== undefined) options.shard = flags.shard
  if (flags['cache-dir'] !== undefined) options.cacheDir = flags['cache-dir']
  for (const [flag, key] of [
    ['size', 'size'],
    ['quality', 'quality'],
    ['concurrency', 'concurrency'],
    ['batch-size', 'batchSize'],
  ] as const) {
    const value = integer(flag, flags[flag])
    if (value !== undefined) options[key] = value
  }
  return options
}

/** `gan-sdk bake …`: returns 1 when an image failed, else 0. A `terminal` gets a progress bar instead of a line per image. */
export async function bakeCommand(argv: readonly string[], io: CliIo, terminal?: Terminal): Promise<0 | 1> {
  if (argv[0] === 'merge') return mergeCommand(argv.slice(1), io)
  const { values } = parseFlags(argv, FLAGS)
  if (values.help) {
    io.stdout(BAKE_USAGE)
    return 0
  }
  const options = resolveBakeCommandOptions(values)
  const render = values.json
    ? (e: BakeEvent) => io.stdout(JSON.stringify(e))
    : terminal
      ? createBarRenderer(io, terminal)
      : (e: BakeEvent) => renderLine(e, io)
  const result = await bake({ ...options, onProgress: render })
  return result.failed > 0 ? 1 : 0
}

/** On a terminal: the start and summary lines, and between them a bar with the count, speed and ETA. */
function createBarRenderer(io: CliIo, terminal: Terminal): (event: BakeEvent) => void {
  const bar = createLiveLine(terminal)
  const started = performance.now()
  return (event) => {
    if (event.type === 'image') {
      const seconds = (performance.now() - started) / 1000
      const rate = event.done / Math.max(seconds, 1e-3)
      const filled = Math.round((event.done / event.total) * 24)
      bar.update(
        `bake [${'#'.repeat(filled)}${'-'.repeat(24 - filled)}] ${event.done}/${event.total} | ${rate.toFixed(0)} images/s | ETA ${formatDuration((event.total - event.done) / rate)}`,
        event.done === event.total,
      )
    } else {
      if (event.type === 'done') bar.clear()
      renderLine(event, io)
    }
  }
}

/** One plain line per event: each image and why it was (re)written, then the summary. */
function renderLine(event: BakeEvent, io: CliIo): void {
  if (event.type === 'start') {
    io.stdout(
      `baking ${event.total} image${event.total === 1 ? '' : 's'} of ${event.model}${event.shard ? ` (shard ${event.shard.index}/${event.shard.count})` : ''} → ${event.outDir}`,
    )
  } else if (event.type === 'image') {
    const { image } = event
    io.stdout(`${image.cached ? 'cached' : 'baked '} ${image.path}${image.reason === 'unchanged' ? '' : ` (${image.reason})`}`)
  } else {
    const why = Object.entries(event.reasons)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ')
    io.stdout(
      `${event.baked} baked, ${event.cached} cached, ${event.failed} failed (${why}) in ${(event.ms / 1000).toFixed(1)} s → ${event.manifest}`,
    )
  }
}

async function mergeCommand(argv: readonly string[], io: CliIo): Promise<0> {
  const { values, positionals } = parseFlags(
    argv,
    { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    Number.MAX_SAFE_INTEGER,
  )
  if (values.help) {
    io.stdout(BAKE_USAGE)
    return 0
  }
  if (values.out === undefined) throw new UsageError('missing --out: the directory to merge the shards into')
  if (positionals.length === 0) throw new UsageError('missing shard directories: gan-sdk bake merge <shard dir>… --out <dir>')
  const result = await mergeBakes(positionals, values.out)
  io.stdout(
    values.json
      ? JSON.stringify({ type: 'merged', ...result })
      : `merged ${result.images} images (${result.copied} copied) → ${result.manifest}`,
  )
  return 0
}
