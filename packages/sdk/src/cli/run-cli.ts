import { parseFlags, plainNumber, runCommand, UsageError, type CliIo, type ExitCode, type Terminal } from '@gan-sdk/internal'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import type { Label } from '../core/generate-options.js'
import { SDK_VERSION } from '../core/version.js'
import type { Seed } from '../core/seed.js'
import { seedFromText } from '../core/seed-text.js'
import { bakeCommand } from './bake-command.js'
import { Generator } from '../node/node-generator.js'
import { RUN_SIZE, writeSeedImages } from '../node/write-images.js'

export type { CliIo } from '@gan-sdk/internal'

const MAX_COUNT = 100_000

const USAGE = `Usage: gan-sdk <command> [options]

Commands:
  generate   Write one PNG per seed, seeds seed … seed+count−1, ${RUN_SIZE} per model run
  bake       Bake images at build time: cached, resumable, sharded (gan-sdk bake --help)
  info       Print the model contract of a generator as JSON

Options:
  --seed <seed>    generate: first seed: digits for an integer in [0, 2^53 − 1], other text for a
                   string seed (text that reads as a number, like -1, 1e3 or NaN, is refused) (default: 0)
  --count <n>      generate: number of images, 1 … ${MAX_COUNT} (default: 1)
  --label <class>  generate: the class of a conditional model's images, by name or index (gan-sdk info
                   lists them; mnist: 0 … 9, emoji: food-drink, flags, …) (default: each seed's own class, seed mod classes)
  --out <dir>      generate: output directory, created if missing (default: out)
  --json           generate: print NDJSON events instead of file paths
  --model <model>  a bundled model name (mnist, emoji), a .onnx path, or an http(s) URL (default: mnist)
  -h, --help       show this help
  --version        print the version

Example: gan-sdk generate --seed 42 --count 16 --out out/`

const COMMON = { model: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const
const GENERATE = {
  ...COMMON,
  seed: { type: 'string' },
  count: { type: 'string' },
  label: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const

/** Options of `gan-sdk generate`, resolved from its flags. */
export interface GenerateCommandOptions {
  /** First seed. @default 0 */
  seed: Seed
  /** Number of images (seeds `seed` … `seed + count − 1`). @default 1 */
  count: number
  /** The class of a conditional model's images, by name. @default each seed's own class */
  label: string | undefined
  /** Output directory. @default 'out' */
  out: string
  /** Model path. @default the bundled MNIST model */
  model: string | undefined
  /** Print NDJSON events. @default false */
  json: boolean
}

/**
 * Flags (raw strings, as typed) → generate options. Seeds are parsed here rather than by a generic
 * flag parser, which would turn `0x10` into 16 or round 20-digit integers: seeds must be exact.
 */
export function resolveGenerateOptions(flags: {
  seed?: string
  count?: string
  label?: string
  out?: string
  model?: string
  json?: boolean
}): GenerateCommandOptions {
  const count = flags.count === undefined ? 1 : plainNumber(flags.count, true)
  if (!(count >= 1 && count <= MAX_COUNT)) {
    throw new GanError('ERR_INVALID_OPTION', `--count ${describeValue(flags.count)} is invalid: pass an integer from 1 to ${MAX_COUNT}.`)
  }
  const seed = seedFromText(flags.seed ?? '0', '--seed')
  if (typeof seed === 'string' && count > 1) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `--seed ${describeValue(seed)} is a string, and string seeds name one image, so --count must be 1 (got ${count}): pass an integer --seed for a run of consecutive seeds.`,
    )
  }
  // Not `seed + count − 1 > MAX`: near 2^53 that sum rounds and the check would pass.
  if (typeof seed === 'number' && seed > Number.MAX_SAFE_INTEGER - (count - 1)) {
    throw new GanError('ERR_INVALID_SEED', `seeds ${seed} … ${seed} + ${count - 1} go past 2^53 − 1: pass a smaller --seed or --count.`)
  }
  if (flags.out === '') throw new GanError('ERR_INVALID_OPTION', '--out "" is empty: pass a directory path.')
  return { seed, count, label: flags.label, out: flags.out ?? 'out', model: flags.model, json: flags.json ?? false }
}

/**
 * Run the CLI on `argv` (without the node and script paths); resolves to the exit code: 0 done,
 * 1 failed, 2 a wrong command line. Every failure is one line on stderr. With a `terminal` (an
 * interactive one, outside CI), long commands draw a progress bar there.
 */
export async function runCli(argv: readonly string[], io: CliIo, options: { terminal?: Terminal } = {}): Promise<ExitCode> {
  const [command, ...rest] = argv
  if (command === '-h' || command === '--help' || command === 'help') {
    io.stdout(USAGE)
    return 0
  }
  if (command === '--version') {
    io.stdout(SDK_VERSION)
    return 0
  }
  const json = (command === 'generate' || command === 'bake') && rest.includes('--json')
  return runCommand(
    async () => {
      if (command === 'generate') {
        const { values } = parseFlags(rest, GENERATE)
        if (values.help) io.stdout(USAGE)
        else await generateCommand(resolveGenerateOptions(values), io)
      } else if (command === 'bake') {
        return bakeCommand(rest, io, options.terminal)
      } else if (command === 'info') {
        const { values } = infoFlags(rest)
        if (values.help) io.stdout(USAGE)
        else await infoCommand(values.model, io)
      } else if (command === undefined) {
        throw new UsageError('missing command: use generate, bake or info')
      } else {
        throw new UsageError(`unknown command ${describeValue(command)}: use generate, bake or info`)
      }
    },
    {
      tool: 'gan-sdk',
      io,
      json,
      usageCodes: ['ERR_INVALID_OPTION', 'ERR_INVALID_SEED', 'ERR_INVALID_LABEL'],
      ...(command === 'bake' ? { help: 'gan-sdk bake --help' } : {}),
    },
  )
}

/** `info`'s flags; one of generate's given to it says so, as a mistyped option would not. */
function infoFlags(args: readonly string[]) {
  try {
    return parseFlags(args, COMMON)
  } catch (err) {
    const flag = /^unknown option '--([^']+)'/.exec(err instanceof Error ? err.message : '')?.[1]
    if (flag === undefined || !Object.hasOwn(GENERATE, flag)) throw err
    throw new UsageError(`--${flag} is an option of gan-sdk generate; info takes --model only`, { cause: err })
  }
}

async function generateCommand(options: GenerateCommandOptions, io: CliIo): Promise<void> {
  const started = performance.now()
  const generator = await Generator.load(options.model)
  try {
    await writeSeedImages(generator, {
      seed: options.seed,
      count: options.count,
      label: options.label === undefined ? undefined : flagLabel(options.label, generator.info.labels),
      out: options.out,
      onImage: (event) => io.stdout(options.json ? JSON.stringify(event) : event.file),
    })
    if (options.json)
      io.stdout(JSON.stringify({ type: 'done', count: options.count, out: options.out, ms: Math.round(performance.now() - started) }))
  } finally {
    await generator.dispose()
  }
}

/** A `--label` value: a class name of the model, else (digits) a class index, as the API's `label` takes either. */
function flagLabel(value: string, labels: readonly string[]): Label {
  return !labels.includes(value) && /^\d+$/.test(value) ? Number(value) : value
}

async function infoCommand(model: string | undefined, io: CliIo): Promise<void> {
  const generator = await Generator.load(model)
  try {
    io.stdout(JSON.stringify(generator.info, null, 2))
  } finally {
    await generator.dispose()
  }
}
