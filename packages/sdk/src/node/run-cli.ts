import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import { seedToInteger, type Seed } from '../core/seed.js'
import { writeFileAtomic } from './atomic-write.js'
import { Generator } from './node-generator.js'

/** Where the CLI writes; injected so tests run it in-process. */
export interface CliIo {
  stdout(line: string): void
  stderr(line: string): void
}

const MAX_COUNT = 100_000
/** Seeds per session run: a single run for the usual counts, bounded memory for large ones. */
const RUN_SIZE = 256

const USAGE = `Usage: gan-sdk <command> [options]

Commands:
  generate   Write one PNG per seed, seeds seed … seed+count−1, ${RUN_SIZE} per model run
  info       Print the model contract of a generator as JSON

Options:
  --seed <seed>    generate: first seed, an integer in [0, 2^53 − 1] or a string (default: 0)
  --count <n>      generate: number of images, 1 … ${MAX_COUNT} (default: 1)
  --out <dir>      generate: output directory, created if missing (default: out)
  --json           generate: print NDJSON events instead of file paths
  --model <path>   a .onnx generator (default: the bundled MNIST model)
  -h, --help       show this help

Example: gan-sdk generate --seed 42 --count 16 --out out/`

const COMMON = { model: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const
const GENERATE = {
  ...COMMON,
  seed: { type: 'string' },
  count: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const

/** Options of `gan-sdk generate`, resolved from its flags. */
export interface GenerateCommandOptions {
  /** First seed. @default 0 */
  seed: Seed
  /** Number of images (seeds `seed` … `seed + count − 1`). @default 1 */
  count: number
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
  out?: string
  model?: string
  json?: boolean
}): GenerateCommandOptions {
  const count = flags.count === undefined ? 1 : /^\d+$/.test(flags.count) ? Number(flags.count) : Number.NaN
  if (!(count >= 1 && count <= MAX_COUNT)) {
    throw new GanError('ERR_INVALID_OPTION', `--count ${describeValue(flags.count)} is invalid: pass an integer from 1 to ${MAX_COUNT}.`)
  }
  const seed = parseSeed(flags.seed ?? '0')
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
  return { seed, count, out: flags.out ?? 'out', model: flags.model, json: flags.json ?? false }
}

/** Digits are an integer seed; other number-like text (`-1`, `1.5`, `1e3`, `0x10`) is rejected as ambiguous; the rest is a string seed. */
function parseSeed(raw: string): Seed {
  if (/^\d+$/.test(raw)) {
    if (BigInt(raw) > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GanError(
        'ERR_INVALID_SEED',
        `--seed ${describeValue(raw)} is above 2^53 − 1: pass an integer in [0, 2^53 − 1] or a non-numeric string.`,
      )
    }
    return Number(raw)
  }
  if (raw.trim() !== '' && !Number.isNaN(Number(raw))) {
    throw new GanError(
      'ERR_INVALID_SEED',
      `--seed ${describeValue(raw)} looks like a number but is not an integer in [0, 2^53 − 1]: pass digits only, or a string seed that is not a number.`,
    )
  }
  seedToInteger(raw) // rejects "" with the library's own message
  return raw
}

/** The file name for a seed: the integer itself, or the string with everything but [A-Za-z0-9_-] percent-encoded (no path tricks, valid on every OS). */
export function seedFileName(seed: Seed): string {
  const stem =
    typeof seed === 'number'
      ? String(seed)
      : encodeURIComponent(seed).replace(/[!'()*.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${stem}.png`
}

/** Run the CLI on `argv` (without the node and script paths); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(USAGE)
    return 0
  }
  const json = command === 'generate' && rest.includes('--json')
  try {
    if (command === 'generate') {
      const flags = parseFlags(rest, GENERATE)
      if (flags.help) io.stdout(USAGE)
      else await generateCommand(resolveGenerateOptions(flags), io)
    } else if (command === 'info') {
      const flags = parseFlags(rest, COMMON)
      if (flags.help) io.stdout(USAGE)
      else await infoCommand(flags.model, io)
    } else {
      throw new GanError('ERR_INVALID_OPTION', `unknown command ${describeValue(command)}: use generate or info (gan-sdk --help).`)
    }
    return 0
  } catch (err) {
    const message =
      err instanceof GanError
        ? err.message
        : `[gan-sdk] unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
    if (json) io.stdout(JSON.stringify({ type: 'error', code: err instanceof GanError ? err.code : 'ERR_UNEXPECTED', message }))
    io.stderr(message)
    return 1
  }
}

function parseFlags<T extends typeof COMMON | typeof GENERATE>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (err) {
    // node:util's messages are good; they only lack our prefix and the pointer to --help.
    throw new GanError('ERR_INVALID_OPTION', `${err instanceof Error ? err.message : String(err)} (gan-sdk --help lists the options).`, {
      cause: err,
    })
  }
}

async function generateCommand(options: GenerateCommandOptions, io: CliIo): Promise<void> {
  const started = performance.now()
  const generator = await Generator.load(options.model)
  try {
    for (let done = 0; done < options.count; done += RUN_SIZE) {
      const size = Math.min(RUN_SIZE, options.count - done)
      const first = options.seed
      const seeds = typeof first === 'number' ? Array.from({ length: size }, (_, i) => first + done + i) : [first]
      const images = await generator.generateBatch(seeds)
      const files = images.map((image) => join(options.out, seedFileName(image.seed)))
      await Promise.all(images.map((image, i) => writeFileAtomic(files[i]!, image.toPNG())))
      images.forEach((image, i) => {
        io.stdout(
          options.json
            ? JSON.stringify({ type: 'image', seed: image.seed, file: files[i], width: image.width, height: image.height })
            : files[i]!,
        )
      })
    }
    if (options.json)
      io.stdout(JSON.stringify({ type: 'done', count: options.count, out: options.out, ms: Math.round(performance.now() - started) }))
  } finally {
    await generator.dispose()
  }
}

async function infoCommand(model: string | undefined, io: CliIo): Promise<void> {
  const generator = await Generator.load(model)
  try {
    io.stdout(JSON.stringify(generator.info, null, 2))
  } finally {
    await generator.dispose()
  }
}
