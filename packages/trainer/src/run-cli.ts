import { parseFlags, runCommand, type CliIo, type ExitCode } from '@gan-sdk/internal'
import { describeValue } from 'gan-sdk/core'
import { BACKEND_NAMES, type BackendPreference } from './backend/ladder.js'
import { TrainError } from './errors.js'
import { BUILTIN_DATASETS, NUMBER_OPTIONS, TRAIN_DEFAULTS, type BuiltinDataset, type NumberOption, type TrainOptions } from './options.js'
import { createEventRenderer } from './render-events.js'
import { train } from './train.js'
import { TRAINER_VERSION } from './version.js'

export type { CliIo } from '@gan-sdk/internal'

const DEFAULT_OUT = 'runs/mnist'
const BACKENDS: readonly BackendPreference[] = ['auto', ...BACKEND_NAMES]

/** The numeric flags and the option each sets. */
const NUMBER_FLAGS = {
  steps: 'steps',
  'batch-size': 'batchSize',
  lr: 'learningRate',
  'latent-size': 'latentSize',
  ema: 'emaDecay',
  seed: 'seed',
  'sample-every': 'sampleEvery',
  'checkpoint-every': 'checkpointEvery',
  'log-every': 'logEvery',
} as const satisfies Record<string, NumberOption>
type NumberFlag = keyof typeof NUMBER_FLAGS

const D = TRAIN_DEFAULTS
const USAGE = `Usage: gan-train [dataset] [options]

Train a DCGAN with TensorFlow.js on a built-in dataset (${BUILTIN_DATASETS.join(', ')}; default ${D.dataset}), writing
checkpoints, sample grids (samples/step-N.png, seeds 0 … 63), metrics.jsonl and gan.json to --out;
gan-export turns the run into an ONNX model. Ctrl-C stops after the current step and saves it.

Options:
  --out <dir>                     output directory (default: ${DEFAULT_OUT})
  --steps <n>                     training steps (default: ${D.steps})
  --batch-size <n>                images per step (default: ${D.batchSize})
  --lr <x>                        Adam learning rate, in (0, 1) (default: ${D.learningRate})
  --latent-size <n>               latent vector length (default: ${D.latentSize})
  --generator-filters <list>      generator feature maps per upsampling stage (default: ${D.generatorFilters.join(',')})
  --discriminator-filters <list>  discriminator feature maps per conv (default: ${D.discriminatorFilters.join(',')})
  --ema <decay>                   generator weight EMA decay in [0, 1), 0 = raw weights (default: ${D.emaDecay})
  --seed <n>                      seed of initialisers, data order and latents (default: ${D.seed})
  --sample-every <n>              steps between sample grids (default: ${D.sampleEvery})
  --checkpoint-every <n>          steps between checkpoints (default: ${D.checkpointEvery})
  --log-every <n>                 steps between progress lines and metrics (default: ${D.logEvery})
  --backend <name>                ${BACKENDS.join(' | ')} (default: ${D.backend})
  --no-fast-kernels               on wasm, keep the stock Conv2DBackpropInput kernel (for benchmarks)
  --name <name>                   model name recorded in gan.json (default: <dataset>-dcgan)
  --license <spdx>                licence of the trained weights in gan.json (default: the dataset's)
  --json                          print events as NDJSON
  -h, --help                      show this help
  --version                       print the version

Example: gan-train mnist --steps 12000 --out runs/mnist`

const FLAGS = {
  out: { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  'latent-size': { type: 'string' },
  'generator-filters': { type: 'string' },
  'discriminator-filters': { type: 'string' },
  ema: { type: 'string' },
  seed: { type: 'string' },
  'sample-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'log-every': { type: 'string' },
  backend: { type: 'string' },
  // parseArgs has no negation: the flag itself is the boolean.
  'no-fast-kernels': { type: 'boolean' },
  name: { type: 'string' },
  license: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const

/** The flags of `gan-train`, as typed: values stay strings until {@link resolveTrainCommandOptions} reads them. */
export type TrainCommandFlags = Partial<
  Record<NumberFlag | 'out' | 'generator-filters' | 'discriminator-filters' | 'backend' | 'name' | 'license', string>
> & {
  'no-fast-kernels'?: boolean
}

/**
 * Flags (raw strings, as typed) and the dataset argument → the options of train(), less `signal`
 * and `onEvent`, which the command adds. Numbers are read here, not by a generic flag parser, so
 * `--steps 1e3` or `--name 007` mean what was typed; flags left out take train()'s defaults.
 * @throws TrainError `ERR_INVALID_OPTION` naming the flag and quoting its value as typed.
 */
export function resolveTrainCommandOptions(flags: TrainCommandFlags, dataset: string = TRAIN_DEFAULTS.dataset): TrainOptions {
  if (!BUILTIN_DATASETS.includes(dataset as BuiltinDataset)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `dataset ${describeValue(dataset)} is not built in: use one of ${BUILTIN_DATASETS.join(', ')}.`,
    )
  }
  const options: TrainOptions = { outDir: text(flags, 'out', 'a directory path') ?? DEFAULT_OUT, dataset: dataset as BuiltinDataset }
  for (const [flag, key] of Object.entries(NUMBER_FLAGS) as Array<[NumberFlag, NumberOption]>) {
    const raw = flags[flag]
    if (raw !== undefined) options[key] = parseNumber(flag, raw)
  }
  for (const [flag, key] of [
    ['generator-filters', 'generatorFilters'],
    ['discriminator-filters', 'discriminatorFilters'],
  ] as const) {
    const raw = flags[flag]
    if (raw !== undefined) options[key] = parseFilters(flag, raw, TRAIN_DEFAULTS[key])
  }
  const backend = flags.backend
  if (backend !== undefined) {
    if (!BACKENDS.includes(backend as BackendPreference)) {
      throw new TrainError('ERR_INVALID_OPTION', `--backend ${describeValue(backend)} is unknown: use one of ${BACKENDS.join(', ')}.`)
    }
    options.backend = backend as BackendPreference
  }
  if (flags['no-fast-kernels']) options.fastKernels = false
  const name = text(flags, 'name', 'a model name')
  if (name !== undefined) options.name = name
  const license = text(flags, 'license', 'an SPDX licence identifier such as MIT')
  if (license !== undefined) options.license = license
  return options
}

/** A string flag's value. An empty one is refused here, by its flag name, rather than later by its option name. */
function text(flags: TrainCommandFlags, flag: 'out' | 'name' | 'license', expected: string): string | undefined {
  const raw = flags[flag]
  if (raw === '') throw new TrainError('ERR_INVALID_OPTION', `--${flag} "" is empty: pass ${expected}, or leave the flag out.`)
  return raw
}

/** Digits only for integer options; plain decimals (`0.5`, `.5`, `2e-4`) for the others. */
function parseNumber(flag: NumberFlag, raw: string): number {
  const key = NUMBER_FLAGS[flag]
  const rule = NUMBER_OPTIONS[key]
  const syntax = rule.integer ? /^\d+$/ : /^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i
  const value = syntax.test(raw) ? Number(raw) : Number.NaN
  if (!rule.accepts(value)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--${flag} ${describeValue(raw)} is invalid: pass ${rule.expected}, e.g. --${flag} ${TRAIN_DEFAULTS[key]}.`,
    )
  }
  return value
}

function parseFilters(flag: string, raw: string, example: readonly number[]): number[] {
  const parts = raw.split(',').map((part) => part.trim())
  if (!parts.every((part) => /^\d+$/.test(part) && Number(part) > 0)) {
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--${flag} ${describeValue(raw)} is invalid: pass positive integers separated by commas, e.g. --${flag} ${example.join(',')}.`,
    )
  }
  return parts.map(Number)
}

export interface RunCliOptions {
  /** Aborting it stops training after the current step, which is saved; the command then exits 130. The bin wires SIGINT to it. */
  signal?: AbortSignal
  /** Draw a progress bar instead of a line per step; the bin passes true on an interactive terminal outside CI. @default false */
  live?: boolean
}

/**
 * Run `gan-train` on `argv` (without the node and script paths); resolves to the exit code: 0 done,
 * 1 failed, 2 a wrong command line, 130 stopped by `signal` (after saving the last step). Every
 * failure is one line on stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<ExitCode> {
  const json = argv.includes('--json')
  return runCommand(
    async () => {
      const { values, positionals } = parseFlags(argv, FLAGS, 1)
      if (values.help || values.version) {
        io.stdout(values.help ? USAGE : TRAINER_VERSION)
        return 0
      }
      const trainOptions = resolveTrainCommandOptions(values, positionals[0])
      const renderer = createEventRenderer(io, { json: values.json ?? false, live: options.live ?? false })
      let result
      try {
        result = await train({ ...trainOptions, signal: options.signal, onEvent: renderer.onEvent })
      } finally {
        renderer.stop()
      }
      const total = trainOptions.steps ?? TRAIN_DEFAULTS.steps
      if (options.signal?.aborted && result.steps < total) {
        io.stderr(`[gan-train] interrupted after step ${result.steps} of ${total}; that step is saved in ${result.outDir}.`)
        return 130
      }
      return 0
    },
    { tool: 'gan-train', io, json, usageCodes: ['ERR_INVALID_OPTION'] },
  )
}
