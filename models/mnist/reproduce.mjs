#!/usr/bin/env node
// Reproduces the shipped MNIST model end to end: train → export → generate with gan-sdk → score.
// Run from the repo root: `npm run train:mnist` (options: --steps N --seed N --out DIR --model FILE
// --eval-count N; --resume continues the run in --out to --steps; --skip-train exports and scores the
// finished run in --out; --eval-only re-scores --model; --train-evaluator first retrains the committed
// scoring classifier in models/mnist/evaluator/, ≈ 15 min on 2 cores).
// The shipped model: class-conditional (label embedding in G, projection D with spectral norm), hinge
// loss, DiffAugment translation + cutout, G 64→32, D 32→64, batch 64, EMA 0.999, seed 1, one training
// thread (the defaults below). Writes models/mnist/mnist.onnx, models/mnist/samples.png and models/mnist/eval.json
// (and, with --train-evaluator, models/mnist/evaluator/).
import { parseArgs } from 'node:util'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '@gan-sdk/internal'
import { readMetrics, train } from '@gan-sdk/trainer'
import { Generator, grid } from 'gan-sdk'
import { exportOnnx } from '@gan-sdk/exporter'
import { scoreModel, trainEvaluator } from './score.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '12000' },
    out: { type: 'string', default: 'runs/mnist' },
    'eval-only': { type: 'boolean', default: false },
    'skip-train': { type: 'boolean', default: false },
    'train-evaluator': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    model: { type: 'string' },
    'eval-count': { type: 'string', default: '10000' },
    resume: { type: 'boolean', default: false },
  },
})
const modelPath = args.model ?? join(here, 'mnist.onnx')
const reportDir = args.model ? dirname(args.model) : here

/** A finished run's summary from its gan.json (for --skip-train). @param {string} dir */
async function readRun(dir) {
  const m = JSON.parse(await readFile(join(dir, 'gan.json'), 'utf8'))
  const ips = (await readMetrics(dir)).map((x) => x.imagesPerSec).sort((a, b) => a - b)
  return { steps: m.steps, backend: m.backend, elapsedSec: m.elapsedSec, imagesPerSec: ips[Math.floor(ips.length / 2)] ?? 0 }
}
/** The shipped model's training options (besides steps and seed). */
const RECIPE = {
  dataset: 'mnist',
  conditional: true,
  loss: /** @type {const} */ ('hinge'),
  augment: /** @type {const} */ (['translation', 'cutout']),
  generatorFilters: [64, 32],
  discriminatorFilters: [32, 64],
  spectralNorm: true,
  emaDecay: 0.999,
  workers: 1,
}

let training
if (!args['eval-only']) {
  const result = args['skip-train']
    ? await readRun(args.out)
    : await train({
        ...RECIPE,
        outDir: args.out,
        resume: args.resume,
        steps: Number(args.steps),
        seed: Number(args.seed),
        sampleEvery: 1000,
        checkpointEvery: 500,
        name: 'gan-sdk/mnist-conditional',
        license: 'MIT',
        onEvent: (e) => {
          if (e.type === 'step')
            console.log(`step ${e.step}/${e.totalSteps} D ${e.dLoss.toFixed(3)} G ${e.gLoss.toFixed(3)} ${e.imagesPerSec.toFixed(0)} img/s`)
          else if (e.type === 'backend') console.log(`backend ${e.backend}`)
        },
      })
  const exported = await exportOnnx(args.out, {
    out: modelPath,
    name: 'gan-sdk/mnist-conditional',
    description:
      'Class-conditional GAN (hinge loss, DiffAugment, projection discriminator with spectral norm) trained on the 8,000 training digits of the 10,000 MNIST digits shipped by the `mnist` npm package; 28×28 grey digits in [-1, 1], labels 0–9.',
  })
  console.log(`exported ${modelPath} (max |ONNX − TF.js| = ${exported.maxAbsDiff})`)
  training = {
    ...RECIPE,
    steps: result.steps,
    seed: Number(args.seed),
    backend: result.backend,
    seconds: Math.round(result.elapsedSec),
    imagesPerSec: Math.round(result.imagesPerSec),
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    parityMaxAbsDiff: exported.maxAbsDiff,
  }
} else {
  training = JSON.parse(await readFile(join(reportDir, 'eval.json'), 'utf8')).training
}

if (args['train-evaluator']) {
  await trainEvaluator(undefined, {
    onEpoch: (e, loss, acc) => console.log(`evaluator epoch ${e} loss ${loss.toFixed(4)} acc ${acc.toFixed(4)}`),
  })
}
// Score what users get (score.mjs): the shipped ONNX file, run by gan-sdk, judged by the evaluator.
const score = await scoreModel(modelPath, { count: Number(args['eval-count']) })
// The card's grid: seeds 0–79, column k asking for digit k.
const generator = await Generator.load(modelPath)
const samples = await generator.generateBatch(
  Array.from({ length: 80 }, (_, i) => i),
  { label: Array.from({ length: 80 }, (_, i) => i % 10) },
)
await generator.dispose()
await writeFileAtomic(join(reportDir, 'samples.png'), grid(samples, { columns: 10, padding: 2 }).toPNG())
const report = { model: 'models/mnist/mnist.onnx', training, ...score }
await writeFileAtomic(join(reportDir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log(JSON.stringify(report, null, 2))
