import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Where a CLI writes its lines: the process streams in a bin, arrays in tests. */
export interface CliIo {
  stdout(line: string): void
  stderr(line: string): void
}

/**
 * The {@link CliIo} of a bin: lines to the process's stdout and stderr. A reader that stops early
 * (`gan-train --json | head -1`) closes its pipe; the lines it no longer reads are dropped and the
 * command finishes its work (a run, an export, a bake's manifest) and its exit status, where an
 * unhandled EPIPE would end the process half-way with a stack trace.
 */
export function processIo(): CliIo {
  return { stdout: lineWriter(process.stdout), stderr: lineWriter(process.stderr) }
}

function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let closed = false
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    closed = true
  })
  return (line) => {
    if (!closed) stream.write(`${line}\n`)
  }
}

/** 0 done, 1 the command failed, 2 the command line is wrong, 130 stopped by a signal (after saving what it could). */
export type ExitCode = 0 | 1 | 2 | 130

/**
 * The command line is wrong: unknown option, missing value, bad count of arguments. Exit status 2;
 * its code is the one every package uses for a bad option.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  readonly code = 'ERR_INVALID_OPTION'
}

/** `text` as one shell word, for a command a message tells the user to run: as it is when plain, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`
}

/**
 * A flag's number as written plainly: digits only when `integer`, else a decimal (`0.5`, `.5`,
 * `2e-4`). Anything else (`0x10`, `1_000`, `Infinity`, `''`, `' 1'`), which `Number()` would
 * accept or turn into 0, is NaN, for the caller to refuse with its own message.
 */
export function plainNumber(raw: string, integer = false): number {
  return (integer ? /^\d+$/ : /^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i).test(raw) ? Number(raw) : Number.NaN
}

type FlagSpec = NonNullable<ParseArgsConfig['options']>
/** What {@link parseFlags} returns for the flag spec `T`: node:util's own typing of `values` and `positionals`. */
export type ParsedFlags<T extends FlagSpec> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>>

/**
 * Parse `args` with node:util's `parseArgs`, strictly: values stay the strings the user typed (so
 * `--name 007` is "007" and `--seed 0x10` can be refused as ambiguous), unknown options and options
 * given twice (unless `multiple`) are errors.
 * `positionals` is how many positional arguments the command takes at most.
 */
export function parseFlags<const T extends FlagSpec>(args: readonly string[], options: T, positionals = 0): ParsedFlags<T> {
  let parsed: ParsedFlags<T>
  try {
    const { tokens, ...rest } = parseArgs({ args: [...args], options, strict: true, allowPositionals: positionals > 0, tokens: true })
    parsed = rest as ParsedFlags<T>
    // parseArgs keeps the last of a repeated option: `--out a --out b` would quietly drop a.
    const seen = new Set<string>()
    for (const token of tokens) {
      if (token.kind !== 'option' || options[token.name]?.multiple) continue
      if (seen.has(token.name)) throw new UsageError(`--${token.name} is given twice: pass it once`)
      seen.add(token.name)
    }
  } catch (err) {
    if (err instanceof UsageError) throw err
    // node calls `--steps -5` (or `--out --json`) ambiguous, in three sentences: say it in one.
    const flag = /^Option '(--[^' ]+)(?: <value>)?' argument is ambiguous/.exec(err instanceof Error ? err.message : '')?.[1]
    const at = args.findIndex((arg, i) => arg === flag && args[i + 1]?.startsWith('-'))
    const next = at < 0 ? undefined : args[at + 1]
    if (flag !== undefined && next !== undefined) {
      throw new UsageError(
        `${flag} is followed by ${JSON.stringify(next)}, which reads as an option: give ${flag} a value, or write ${flag}=${next} if that is its value`,
        { cause: err },
      )
    }
    // node's advice on dash-prefixed positionals only confuses a mistyped option: cut it.
    // Its other messages in the words and the case (lower, after `[tool]`) of every other message.
    const message = (err instanceof Error ? err.message : String(err))
      .replace(/\. To specify a positional argument[\s\S]*$/, '')
      .replace(/^Option '(--[^' ]+) <value>' argument missing$/, '$1 needs a value')
      .replace(
        /^Unexpected argument '(.*)'\. This command does not take positional arguments$/,
        (_, arg: string) => `unexpected argument ${JSON.stringify(arg)}`,
      )
    throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1), { cause: err })
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`)
  }
  return parsed
}

export interface RunCommandOptions {
  /** The command's name, which prefixes its own messages: `[gan-train] …`. */
  tool: string
  io: CliIo
  /** Also print a failure as an NDJSON `{ type: 'error', code, message }` line on stdout. @default false */
  json?: boolean
  /** Codes of the package's errors that mean the command line was wrong (exit 2), e.g. `ERR_INVALID_OPTION`. @default [] */
  usageCodes?: readonly string[]
  /** The command line that lists the options, named after a usage error: a sub-command's own (`gan-sdk bake --help`). @default `${tool} --help` */
  help?: string
}

/**
 * The one error handler of every CLI: runs `command` and turns what it throws into exactly one line
 * on stderr (no stack trace) and an exit status. Usage errors exit 2; the packages' coded errors
 * (which already start with `[tool]` and say the fix) exit 1; anything else is reported as an
 * unexpected error, still on one line.
 */
export async function runCommand(command: () => Promise<ExitCode | void>, options: RunCommandOptions): Promise<ExitCode> {
  const { tool, io, json = false, usageCodes = [], help = `${tool} --help` } = options
  try {
    return (await command()) ?? 0
  } catch (err) {
    const code = codeOf(err)
    let message: string
    let status: ExitCode = 1
    if (err instanceof UsageError) {
      message = `[${tool}] ${err.message} (${help} lists the options).`
      status = 2
    } else if (code !== undefined && err instanceof Error) {
      message = err.message
      if (usageCodes.includes(code)) status = 2
    } else {
      message = `[${tool}] unexpected error: ${err instanceof Error ? err.message : String(err)}. Please report it, with the command line.`
    }
    message = message.replace(/\s*\n\s*/g, ' ')
    if (json) io.stdout(JSON.stringify({ type: 'error', code: err instanceof UsageError ? err.code : (code ?? 'ERR_UNEXPECTED'), message }))
    io.stderr(message)
    return status
  }
}

/**
 * The stable `code` of our packages' errors (GanError, ExportError, TrainError): an `ERR_…` code on
 * a message that starts with `[tool]`. Node's own errors (`ENOENT`, `ERR_INVALID_ARG_TYPE`) do not count.
 */
function codeOf(err: unknown): string | undefined {
  if (!(err instanceof Error) || !err.message.startsWith('[')) return undefined
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('ERR_') ? code : undefined
}
