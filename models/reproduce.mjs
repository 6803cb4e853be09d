// The pipeline every shipped model's reproduce.mjs runs: train → export → generate with gan-sdk →
// score → write <name>.onnx, samples.png and eval.json beside the model card. Each model brings its
// recipe, its scoring and its sample grid; options common to all are parsed here (--steps N
// --seed N --lr-decay-steps N --out DIR --model FILE --eval-count N; --resume continues the run in
// --out to --steps; --skip-train exports and scores the finished run in --out, with --step N its
// kept checkpoint of step N instead of its last; --eval-only re-scores --model).
import { cpus } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { parseFlags, plainNumber, runCommand, UsageError, writeFileAtomic } from '@gan-sdk/internal'
import { readMetrics, readRunConfig, readRunManifest, RUN_CONFIG_FILE, RUN_MANIFEST_FILE, train, TrainError } from '@gan-sdk/trainer'
import { Generator, grid } from 'gan-sdk'
import { exportOnnx } from '@gan-sdk/exporter'

/**
 * @typedef {object} ModelRecipe
 * @property {string} dir the model's folder (models/<name>)
 * @property {string} file the shipped file's name in it (<name>.onnx)
 * @property {string} name the model name recorded in gan.json and the ONNX metadata
 * @property {string} description the ONNX metadata's description
 * @property {string} license the weights' licence (SPDX)
 * @property {Record<string, unknown>} recipe the training options besides steps, seed and outDir
 * @property {{ fp16?: boolean }} [exportOptions] exportOnnx options besides out, name and description
 * @property {string} steps the default --steps
 * @property {string} out the default --out
 * @property {Record<string, { type: 'string' | 'boolean', default?: string | boolean }>} [extraOptions] the model's own flags
 * @property {(args: Record<string, unknown>) => Promise<void>} [beforeScore] a step of the model's own before scoring (e.g. retrain the evaluator)
 * @property {(modelPath: string, count: number) => Promise<Record<string, unknown>>} score eval.json's scores of the shipped file
 * @property {(generator: import('gan-sdk').Generator) => Promise<{ images: import('gan-sdk').GeneratedImage[], columns: number }>} samples the card's grid
 */

/**
 * Run the pipeline for one model, as its reproduce.mjs is called: a bad option or a refused
 * training option is one line on stderr and exit status 2, as in the packages' CLIs.
 * @param {ModelRecipe} model
 */
export async function reproduce(model) {
  const tool = `train:${basename(model.dir)}`
  process.exitCode = await runCommand(() => pipeline(model, tool), {
    tool,
    io: { stdout: (line) => console.log(line), stderr: (line) => console.error(line) },
    usageCodes: ['ERR_INVALID_OPTION'],
  })
}

/** @param {ModelRecipe} model @param {string} tool */
async function pipeline(model, tool) {
  const { values: args } = parseFlags(process.argv.slice(2), {
    help: { type: 'boolean', default: false },
    steps: { type: 'string', default: model.steps },
    out: { type: 'string', default: model.out },
    'eval-only': { type: 'boolean', default: false },
    'skip-train': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    'lr-decay-steps': { type: 'string' },
    model: { type: 'string' },
    'eval-count': { type: 'string', default: '10000' },
    resume: { type: 'boolean', default: false },
    step: { type: 'string' },
    ...model.extraOptions,
  })
  if (args.help) {
    const extra = Object.keys(model.extraOptions ?? {})
      .map((k) => ` [--${k}]`)
      .join('')
    const decay = model.recipe.learningRateDecaySteps
    console.log(
      `Usage: npm run ${tool} -- [--steps N] [--seed N] [--lr-decay-steps N] [--out DIR] [--resume] [--skip-train] [--step N] [--eval-only] [--model FILE] [--eval-count N]${extra}\n` +
        `Train ${model.file} by its recipe (${model.steps} steps, ${decay ? `the rate annealed over the last ${decay}` : 'a constant rate'}), export, generate with gan-sdk and score; see ${join('models', basename(model.dir), 'README.md')}.`,
    )
    return
  }
  // Every number is checked before anything runs.
  const steps = integerFlag(args, 'steps')
  const seed = integerFlag(args, 'seed')
  const evalCount = integerFlag(args, 'eval-count')
  const decay = args['lr-decay-steps'] === undefined ? {} : { learningRateDecaySteps: integerFlag(args, 'lr-decay-steps') }
  const step = args.step === undefined ? undefined : integerFlag(args, 'step')
  if (step !== undefined && (!args['skip-train'] || args['eval-only']))
    throw new UsageError(
      '--step picks a kept checkpoint of a finished run: use it with --skip-train alone (train the run with gan-train --keep-checkpoints 0 to keep every checkpoint)',
    )
  const modelPath = args.model ?? join(model.dir, model.file)
  const reportDir = args.model ? dirname(args.model) : model.dir

  let training
  if (!args['eval-only']) {
    if (!args['skip-train']) {
      const run = {
        outDir: args.out,
        steps,
        ...decay,
        sampleEvery: 1000,
        checkpointEvery: 500,
        /** @param {import('@gan-sdk/trainer').TrainEvent} e */
        onEvent: (e) => {
          if (e.type === 'step')
            console.log(`step ${e.step}/${e.totalSteps} D ${e.dLoss.toFixed(3)} G ${e.gLoss.toFixed(3)} ${e.imagesPerSec.toFixed(0)} img/s`)
          else if (e.type === 'backend') console.log(`backend ${e.backend}`)
        },
      }
      // A resumed run keeps the settings its config.json records.
      await train(args.resume ? { ...run, resume: true } : { ...model.recipe, ...run, seed, name: model.name, license: model.license })
    }
    const finished = await readRun(args.out, step)
    const exported = await exportOnnx(args.out, {
      ...model.exportOptions,
      ...(step === undefined ? {} : { step }),
      out: modelPath,
      name: model.name,
      description: model.description,
    })
    console.log(`exported ${modelPath} (max |ONNX − TF.js| = ${exported.maxAbsDiff})`)
    training = {
      ...finished,
      parityMaxAbsDiff: exported.maxAbsDiff,
      ...(exported.float16 === undefined ? {} : { float16: exported.float16 }),
    }
  } else {
    training = (await readReport(join(reportDir, 'eval.json'))).training
  }

  await model.beforeScore?.(args)
  // Score what users get: the shipped ONNX file, run by gan-sdk.
  const score = await model.score(modelPath, evalCount)
  const generator = await Generator.load(modelPath)
  const { images, columns } = await model.samples(generator)
  await generator.dispose()
  await writeFileAtomic(join(reportDir, 'samples.png'), grid(images, { columns, padding: 2 }).toPNG())
  const report = { model: join('models', basename(model.dir), model.file), training, ...score }
  await writeFileAtomic(join(reportDir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`)
  console.log(JSON.stringify(report, null, 2))
}

/** The integer value of flag `name`, or a usage error naming it. @param {Record<string, unknown>} args @param {string} name */
function integerFlag(args, name) {
  const n = plainNumber(String(args[name]), true)
  if (Number.isNaN(n)) throw new UsageError(`--${name} ${JSON.stringify(args[name])} is not a whole number`)
  return n
}

/** Options of config.json that set how a run reports, not what it trains. */
const REPORTING = new Set(['sampleEvery', 'checkpointEvery', 'keepCheckpoints', 'logEvery'])

/**
 * What eval.json records of a finished run: the settings it trained with (its config.json, as the
 * trainer resolved them, whoever started it), how long it took and where (gan.json, metrics.jsonl).
 * With `step`, the record is of that checkpoint: its steps, the run's (`runSteps`), and the time
 * and speed to it from metrics.jsonl, left out when the log has no line of that step.
 * @param {string} dir
 * @param {number} [step]
 */
async function readRun(dir, step) {
  /** @template T @param {string} file @param {(dir: string) => Promise<T>} read */
  const finished = (file, read) =>
    read(dir).catch((err) => {
      if ((err.cause ?? err).code !== 'ENOENT') throw err
      throw new TrainError(
        'ERR_RUN_MANIFEST',
        `${JSON.stringify(dir)} has no finished run (${file} missing): train it first (leave out --skip-train), or pass --out the folder of a run this trainer finished.`,
      )
    })
  const manifest = await finished(RUN_MANIFEST_FILE, readRunManifest)
  const config = await finished(RUN_CONFIG_FILE, readRunConfig)
  const metrics = (await readMetrics(dir)).filter((x) => step === undefined || x.step <= step)
  const ips = metrics.map((x) => x.imagesPerSec).sort((a, b) => a - b)
  const seconds = step === undefined ? manifest.elapsedSec : metrics.find((x) => x.step === step)?.elapsedSec
  return {
    dataset: config.dataset.kind,
    ...Object.fromEntries(Object.entries(config.options).filter(([key]) => !REPORTING.has(key))),
    steps: step ?? manifest.steps,
    ...(step === undefined ? {} : { runSteps: manifest.steps }),
    backend: manifest.backend,
    ...(seconds === undefined ? {} : { seconds: Math.round(seconds), imagesPerSec: Math.round(ips[Math.floor(ips.length / 2)] ?? 0) }),
    cpu: cpus()[0]?.model,
    cores: cpus().length,
  }
}

/** The model's eval.json, which --eval-only keeps the training record of. @param {string} path */
async function readReport(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ENOENT') throw err
    throw new UsageError(
      `--eval-only re-scores a model beside its eval.json, and ${path} is missing: train the model first, or pass --model one that has it`,
    )
  }
}
