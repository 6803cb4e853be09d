#!/usr/bin/env node
// gan-sdk throughput against raw onnxruntime-node, on the bundled model or --model <path.onnx>
// (a dynamic-batch generator). Run `npm run bench` at the repo root (builds first), or
// `node packages/sdk/bench/generate.bench.mjs [--model m.onnx] [--reps 60] [--rounds 3] [--batch 64]`
// after a build. Writes results/generate.json and results/generate.md beside this file, atomically.
//
// Raw and SDK each run in their own child process, alternating for --rounds rounds: in one process
// the two sessions' thread pools compete (one spins while the other runs), which skews either side.
import { execFile } from 'node:child_process'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { arch, cpus, platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import * as ort from 'onnxruntime-node'
import { BUNDLED_MODEL_URL, Generator, seedsToLatents } from '../dist/index.node.js'

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    reps: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '64' },
    worker: { type: 'string' },
  },
})
const REPS = Number(args.reps)
const BATCH = Number(args.batch)
const WARMUP = 10
const modelPath = args.model ?? fileURLToPath(BUNDLED_MODEL_URL)

const sorted = (xs) => [...xs].sort((a, b) => a - b)
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)]
const p95 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]
const round = (x, digits = 3) => Number(x.toFixed(digits))
async function repeat(fn, reps) {
  for (let i = 0; i < WARMUP; i++) await fn(i)
  const ms = []
  for (let i = 0; i < reps; i++) {
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
    const { latentSize, latentDistribution, inputName, outputName } = generator.info
    await generator.dispose()
    // The SDK's own session options, so the comparison isolates what the SDK adds around session.run.
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 })
    const trailing = session.inputMetadata[0]?.shape?.length === 4 ? [1, 1] : []
    const latents = seedsToLatents(seeds, latentSize, { distribution: latentDistribution })
    const run = (batch) => session.run({ [inputName]: new ort.Tensor('float32', latents.subarray(0, batch * latentSize), [batch, latentSize, ...trailing]) }, [outputName])
    return { batch: await repeat(() => run(BATCH), REPS), single: await repeat(() => run(1), REPS) }
  }
  const generator = await Generator.load(bytes)
  const { latentSize, latentDistribution } = generator.info
  return {
    batch: await repeat(() => generator.generateBatch(seeds), REPS),
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
const spawn = async (side) => JSON.parse((await promisify(execFile)(process.execPath, [self, '--worker', side, '--model', modelPath, '--reps', String(REPS), '--batch', String(BATCH)])).stdout)
const raw = { batch: [], single: [] }
const sdk = { batch: [], single: [], sampling: [] }
let info
for (let r = 0; r < Number(args.rounds); r++) {
  const rawRun = await spawn('raw')
  const sdkRun = await spawn('sdk')
  for (const key of Object.keys(raw)) raw[key].push(...rawRun[key])
  for (const key of Object.keys(sdk)) sdk[key].push(...sdkRun[key])
  info = sdkRun.info
}

const rawMs = median(raw.batch)
const sdkMs = median(sdk.batch)
const sampling = median(sdk.sampling)
const extra = sdkMs - rawMs
const result = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: `${platform()}-${arch()}`, node: process.version, onnxruntime: ort.env.versions.node },
  model: { path: args.model ?? 'bundled (assets/mnist.onnx)', name: info.name, latentSize: info.latentSize, image: `${info.width}×${info.height}×${info.channels}` },
  batch: BATCH,
  runsPerSide: raw.batch.length,
  rawImagesPerSec: Math.round((BATCH / rawMs) * 1000),
  generateBatchImagesPerSec: Math.round((BATCH / sdkMs) * 1000),
  sdkShareOfRaw: round(rawMs / sdkMs),
  msPerBatch: { sessionRun: round(rawMs), generateBatch: round(sdkMs), sdkExtra: round(extra), seedSampling: round(sampling), postprocessAndRest: round(extra - sampling) },
  singleGenerateMs: { median: round(median(sdk.single)), p95: round(p95(sdk.single)), rawSessionRunMedian: round(median(raw.single)) },
}

const pct = (ms) => `${((ms / sdkMs) * 100).toFixed(1)}%`
const md = `# gan-sdk generate benchmark

Model: ${result.model.path} (${result.model.name}, z = ${info.latentSize}, ${result.model.image}). Batch ${BATCH}; medians of ${result.runsPerSide} runs per side (${args.rounds} rounds of ${REPS}, raw and SDK in alternating child processes, ${WARMUP} warm-up runs each).

| measure | value |
| --- | --- |
| raw \`InferenceSession.run\` | ${result.rawImagesPerSec} images/s |
| \`generateBatch\` | ${result.generateBatchImagesPerSec} images/s (**${(result.sdkShareOfRaw * 100).toFixed(1)}%** of raw) |
| single \`generate\` latency | ${result.singleGenerateMs.median} ms median, ${result.singleGenerateMs.p95} ms p95 (raw run of 1: ${result.singleGenerateMs.rawSessionRunMedian} ms) |

Where one \`generateBatch\` of ${BATCH} spends its ${result.msPerBatch.generateBatch} ms:

| part | ms / batch | share |
| --- | --- | --- |
| \`session.run\` (inference, incl. onnxruntime's output copy) | ${result.msPerBatch.sessionRun} | ${pct(rawMs)} |
| seed → latent sampling (${BATCH} × ${info.latentSize} values, measured alone) | ${result.msPerBatch.seedSampling} | ${pct(sampling)} |
| float → RGBA post-processing, image objects, bookkeeping (the rest) | ${result.msPerBatch.postprocessAndRest} | ${pct(extra - sampling)} |

The SDK makes no copies of its own: latents are sampled straight into the one input array, and the
output is converted to RGBA in place, in the buffer onnxruntime returns.

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}, onnxruntime-node ${result.machine.onnxruntime}.
`

const dir = fileURLToPath(new URL('./results/', import.meta.url))
await mkdir(dir, { recursive: true })
for (const [file, text] of [['generate.json', `${JSON.stringify(result, null, 2)}\n`], ['generate.md', md]]) {
  const tmp = `${dir}${file}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, `${dir}${file}`)
}
console.log(md)
