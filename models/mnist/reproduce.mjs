#!/usr/bin/env node
// Reproduces the shipped MNIST model end to end: train → export → generate with gan-sdk → score.
// Run from the repo root: `npm run train:mnist` (options: --steps N --seed N --ema D --generator-filters 64,32
// --discriminator-filters 32,64 --out DIR --model FILE --eval-count N; --skip-train exports and scores
// the finished run in --out; --eval-only re-scores --model; --train-evaluator first retrains the
// committed scoring classifier in models/mnist/evaluator/, ≈ 15 min on 2 cores).
// The shipped model: G 64→32, D 32→64, batch 64, EMA 0.999, 12000 steps, seed 1 (the defaults below).
// Writes models/mnist/mnist.onnx, models/mnist/samples.png and models/mnist/eval.json (and, with
// --train-evaluator, models/mnist/evaluator/).
import { parseArgs } from 'node:util'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '@gan-sdk/internal'
import { train, renderGrid } from '@gan-sdk/trainer'
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
    ema: { type: 'string', default: '0.999' },
    model: { type: 'string' },
    'eval-count': { type: 'string', default: '1000' },
    'generator-filters': { type: 'string', default: '64,32' },
    'discriminator-filters': { type: 'string', default: '32,64' },
  },
})
const modelPath = args.model ?? join(here, 'mnist.onnx')
const reportDir = args.model ? dirname(args.model) : here

/** A finished run's summary from its gan.json (for --skip-train). @param {string} dir */
async function readRun(dir) {
  const m = JSON.parse(await readFile(join(dir, 'gan.json'), 'utf8'))
  const metrics = (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  const ips = metrics
    .map((/** @type {{ imagesPerSec: number }} */ x) => x.imagesPerSec)
    .sort((/** @type {number} */ a, /** @type {number} */ b) => a - b)
  return { steps: m.steps, backend: m.backend, elapsedSec: m.elapsedSec, imagesPerSec: ips[Math.floor(ips.length / 2)] ?? 0 }
}
let training
if (!args['eval-only']) {
  const generatorFilters = args['generator-filters'].split(',').map(Number)
  const discriminatorFilters = args['discriminator-filters'].split(',').map(Number)
  const result = args['skip-train']
    ? await readRun(args.out)
    : await train({
        dataset: 'mnist',
        outDir: args.out,
        steps: Number(args.steps),
        seed: Number(args.seed),
        emaDecay: Number(args.ema),
        generatorFilters,
        discriminatorFilters,
        sampleEvery: 500,
        checkpointEvery: 500,
        name: 'gan-sdk/mnist-dcgan',
        license: 'MIT',
        onEvent: (e) => {
          if (e.type === 'step')
            console.log(`step ${e.step}/${e.totalSteps} D ${e.dLoss.toFixed(3)} G ${e.gLoss.toFixed(3)} ${e.imagesPerSec.toFixed(0)} img/s`)
          else if (e.type === 'backend') console.log(`backend ${e.backend}`)
        },
      })
  const exported = await exportOnnx(args.out, {
    out: modelPath,
    description:
      'DCGAN trained on the 8,000 training digits of the 10,000 MNIST digits shipped by the `mnist` npm package; 28×28 grey digits in [-1, 1].',
  })
  console.log(`exported ${modelPath} (max |ONNX − TF.js| = ${exported.maxAbsDiff})`)
  training = {
    steps: result.steps,
    seed: Number(args.seed),
    emaDecay: Number(args.ema),
    generatorFilters,
    discriminatorFilters,
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
const { report: score, pixels, shape } = await scoreModel(modelPath, { count: Number(args['eval-count']) })
await writeFileAtomic(
  join(reportDir, 'samples.png'),
  renderGrid(pixels.subarray(0, 64 * shape.width * shape.height), 64, shape, { cols: 8, range: [0, 1] }),
)
const report = { model: 'models/mnist/mnist.onnx', training, ...score }
await writeFileAtomic(join(reportDir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log(JSON.stringify(report, null, 2))
