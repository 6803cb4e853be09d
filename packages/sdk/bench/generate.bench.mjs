#!/usr/bin/env node
// gan-sdk throughput against raw onnxruntime-node, on the bundled model or --model <path.onnx>
// (a dynamic-batch generator). Run `npm run bench` at the repo root (builds first), or
// `node packages/sdk/bench/generate.bench.mjs [--model m.onnx] [--rounds 20] [--reps 30] [--batch 64]`
// after a build. Writes results/generate.json and results/generate.md beside this file, atomically.
//
// Raw and SDK each run in their own child process, alternating for --rounds rounds: in one process
// two sessions' thread pools compete (one spins while the other runs), which skews either side.
// Separate processes on a shared machine differ in speed by a few percent, though, so the share is
// taken two ways: paired per round (raw round r against SDK round r, the median of the ratios), and
// inside the SDK's own processes, where every session.run that generateBatch makes is timed too.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { arch, cpus, platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { parseArgs, promisify } from 'node:util'
import * as ort from 'onnxruntime-node'
import { BUNDLED_MODEL_URL, Generator, seedsToLatents } from '../dist/index.node.js'

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    reps: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '20' },
    batch: { type: 'string', default: '64' },
    worker: { type: 'string' },
  },
})
const REPS = Number(args.reps)
const ROUNDS = Number(args.rounds)
const BATCH = Number(args.batch)
// Enough for V8 to optimise the SDK's JavaScript and tier its WebAssembly kernels up.
const WARMUP = 30
const modelPath = args.model ?? fileURLToPath(BUNDLED_MODEL_URL)

const sorted = (xs) => [...xs].sort((a, b) => a - b)
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)]
const p95 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]
const round = (x, digits = 3) => Number(x.toFixed(digits))

/** Times `fn` REPS times after WARMUP runs; `onRun` sees each counted run's start. */
async function repeat(fn, reps, onRun = () => {}) {
  for (let i = 0; i < WARMUP; i++) await fn(i)
  const ms = []
  for (let i = 0; i < reps; i++) {
    onRun(i)
    const t0 = performance.now()
    await fn(i)
    ms.push(performance.now() - t0)
  }
  return ms
}

/** One side of the comparison, in this (child) process; prints its timings as JSON. */
async function worker(side) {
  const bytes = new Uint8Array(await readFile(modelPath))
  const seeds = Array.from({ length: BATCH }, (_, i) => i)
  if (side === 'raw') {
    const generator = await Generator.load(bytes) // only to read the contract
    const { latentSize, latentDistribution, inputName, outputName, labelInput, labels } = generator.info
    await generator.dispose()
    // The SDK's own session options, so the comparison isolates what the SDK adds around session.run.
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    })
    const trailing = session.inputMetadata[0]?.shape?.length === 4 ? [1, 1] : []
    const latents = seedsToLatents(seeds, latentSize, { distribution: latentDistribution })
    // A conditional model also takes each seed's class (seed mod classes, as the SDK draws it).
    const classes = BigInt64Array.from(seeds, (seed) => BigInt(seed % Math.max(1, labels.length)))
    const run = (batch) =>
      session.run(
        {
          [inputName]: new ort.Tensor('float32', latents.subarray(0, batch * latentSize), [batch, latentSize, ...trailing]),
          ...(labelInput === undefined ? {} : { [labelInput]: new ort.Tensor('int64', classes.subarray(0, batch), [batch]) }),
        },
        [outputName],
      )
    return { batch: await repeat(() => run(BATCH), REPS), single: await repeat(() => run(1), REPS) }
  }
  // Every session.run the SDK makes, timed: the SDK imports this same onnxruntime-node module.
  const runs = []
  const run = ort.InferenceSession.prototype.run
  ort.InferenceSession.prototype.run = async function timedRun(...a) {
    const t0 = performance.now()
    try {
      return await run.apply(this, a)
    } finally {
      runs.push(performance.now() - t0)
    }
  }
  const generator = await Generator.load(bytes)
  const { latentSize, latentDistribution } = generator.info
  let countedFrom = 0
  const batch = await repeat(
    () => generator.generateBatch(seeds),
    REPS,
    (i) => i === 0 && (countedFrom = runs.length),
  )
  const innerRuns = runs.slice(countedFrom)
  return {
    batch,
    innerRuns,
    single: await repeat((i) => generator.generate(1000 + i), REPS),
    sampling: await repeat(() => seedsToLatents(seeds, latentSize, { distribution: latentDistribution }), REPS),
    info: generator.info,
  }
}

if (args.worker !== undefined) {
  process.stdout.write(JSON.stringify(await worker(args.worker)))
  process.exit(0)
}

const self = fileURLToPath(import.meta.url)
const spawn = async (side) =>
  JSON.parse(
    (
      await promisify(execFile)(process.execPath, [
        self,
        '--worker',
        side,
        '--model',
        modelPath,
        '--reps',
        String(REPS),
        '--batch',
        String(BATCH),
      ])
    ).stdout,
  )
const raw = { batch: [], single: [] }
const sdk = { batch: [], single: [], sampling: [], innerRuns: [] }
const pairedShares = []
let info
for (let r = 0; r < ROUNDS; r++) {
  const rawRun = await spawn('raw')
  const sdkRun = await spawn('sdk')
  for (const key of Object.keys(raw)) raw[key].push(...rawRun[key])
  for (const key of Object.keys(sdk)) sdk[key].push(...sdkRun[key])
  pairedShares.push(median(rawRun.batch) / median(sdkRun.batch))
  info = sdkRun.info
}

const rawMs = median(raw.batch)
const sdkMs = median(sdk.batch)
const innerMs = median(sdk.innerRuns)
const sampling = median(sdk.sampling)
const extra = sdkMs - innerMs
const result = {
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: `${platform()}-${arch()}`,
    node: process.version,
    onnxruntime: ort.env.versions.node,
  },
  model: {
    path: args.model ?? 'bundled (assets/mnist.onnx)',
    name: info.name,
    latentSize: info.latentSize,
    image: `${info.width}×${info.height}×${info.channels}`,
  },
  batch: BATCH,
  rounds: ROUNDS,
  runsPerSide: raw.batch.length,
  rawImagesPerSec: Math.round((BATCH / rawMs) * 1000),
  generateBatchImagesPerSec: Math.round((BATCH / sdkMs) * 1000),
  sdkShareOfRaw: {
    pairedRounds: { median: round(median(pairedShares)), min: round(Math.min(...pairedShares)), max: round(Math.max(...pairedShares)) },
    inProcess: round(innerMs / sdkMs),
  },
  msPerBatch: {
    rawSessionRun: round(rawMs),
    sdkSessionRun: round(innerMs),
    generateBatch: round(sdkMs),
    sdkExtra: round(extra),
    seedSampling: round(sampling),
    postprocessAndRest: round(extra - sampling),
  },
  singleGenerateMs: { median: round(median(sdk.single)), p95: round(p95(sdk.single)), rawSessionRunMedian: round(median(raw.single)) },
}

const pct = (share) => `${(share * 100).toFixed(1)}%`
const part = (ms) => pct(ms / sdkMs)
const md = `# gan-sdk generate benchmark

Model: ${result.model.path} (${result.model.name}, z = ${info.latentSize}, ${result.model.image}). Batch ${BATCH}; ${ROUNDS} rounds, each a raw and an SDK child process of ${REPS} counted runs after ${WARMUP} warm-up runs; medians of ${result.runsPerSide} runs per side.

| measure | value |
| --- | --- |
| raw \`InferenceSession.run\` | ${result.rawImagesPerSec} images/s |
| \`generateBatch\` | ${result.generateBatchImagesPerSec} images/s |
| SDK share of raw, paired by round | **${pct(result.sdkShareOfRaw.pairedRounds.median)}** (median of ${ROUNDS} rounds; ${pct(result.sdkShareOfRaw.pairedRounds.min)} … ${pct(result.sdkShareOfRaw.pairedRounds.max)}) |
| SDK share, in the SDK's processes (its own session.run time ÷ generateBatch time) | **${pct(result.sdkShareOfRaw.inProcess)}** |
| single \`generate\` latency | ${result.singleGenerateMs.median} ms median, ${result.singleGenerateMs.p95} ms p95 (raw run of 1: ${result.singleGenerateMs.rawSessionRunMedian} ms) |

Where one \`generateBatch\` of ${BATCH} spends its ${result.msPerBatch.generateBatch} ms:

| part | ms / batch | share |
| --- | --- | --- |
| \`session.run\` inside generateBatch (inference, incl. onnxruntime's output copy; raw process: ${result.msPerBatch.rawSessionRun} ms) | ${result.msPerBatch.sdkSessionRun} | ${part(innerMs)} |
| seed → latent sampling (${BATCH} × ${info.latentSize} values, latents.wat, measured alone) | ${result.msPerBatch.seedSampling} | ${part(sampling)} |
| float → RGBA conversion (pixels.wat, incl. copies in and out), image objects, bookkeeping (the rest) | ${result.msPerBatch.postprocessAndRest} | ${part(extra - sampling)} |

Copies the SDK makes: the latents once, out of the sampling kernels' memory into the input array;
the output once into the pixel kernels' memory, and its RGBA bytes once back, in place, into the
buffer onnxruntime returns (a fresh buffer would cost more in page faults than the copy).

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}, onnxruntime-node ${result.machine.onnxruntime}.
`

const dir = fileURLToPath(new URL('./results/', import.meta.url))
await writeFileAtomic(`${dir}generate.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
await writeFileAtomic(`${dir}generate.md`, md, { fsync: false })
console.log(md)
