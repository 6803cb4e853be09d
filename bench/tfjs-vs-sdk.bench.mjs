#!/usr/bin/env node
// What a TF.js user does today against gan-sdk, side by side in one process: the same generator
// (the previous MNIST model's architecture, G 64→32, seeded weights) as a TF.js layers model `predict` on the
// TF.js WASM backend (one thread in Node, with @gan-sdk/trainer's faster kernels registered), and as
// ONNX through gan-sdk's `generateBatch` on onnxruntime-node's CPU. Times batch 64 and batch 1,
// alternating the two for --rounds rounds. Writes bench/results/tfjs-vs-sdk.{json,md}.
// `npm run bench` at the root builds first; or `node bench/tfjs-vs-sdk.bench.mjs` after a build.
import { arch, cpus, platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { exportOnnx } from '@gan-sdk/exporter'
import { buildGenerator, selectBackend } from '@gan-sdk/trainer'
import { Generator, seedsToLatents } from 'gan-sdk'

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '10' }, reps: { type: 'string', default: '20' } } })
const ROUNDS = Number(args.rounds)
const REPS = Number(args.reps)

await selectBackend('wasm', { fastConvTranspose: true })
const config = {
  latentSize: 100,
  width: 28,
  height: 28,
  channels: 1,
  generatorFilters: [64, 32],
  discriminatorFilters: [32, 64],
  kernelSize: 4,
  seed: 1,
}
const model = buildGenerator(config)
const artifacts = await new Promise((resolve) =>
  model.save(
    tf.io.withSaveHandler(async (a) => (resolve(a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
  ),
)
const { bytes } = await exportOnnx(artifacts, { range: [-1, 1] })
const generator = await Generator.load(bytes, { device: 'cpu' })

/** Median ms of `reps` calls of `fn` after 5 warm-up calls. */
async function time(fn) {
  for (let i = 0; i < 5; i++) await fn(i)
  const ms = []
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now()
    await fn(i)
    ms.push(performance.now() - t0)
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]
}

const sides = {
  /** TF.js: latents in, predict, read the floats back (what a TF.js user gets: floats, no image yet). */
  tfjs: (batch) => async (i) => {
    const seeds = Array.from({ length: batch }, (_, k) => i * batch + k)
    const z = tf.tensor2d(seedsToLatents(seeds, 100), [batch, 100])
    const y = model.predict(z)
    await y.data()
    tf.dispose([z, y])
  },
  /** gan-sdk: seeds in, RGBA images out. */
  sdk: (batch) => async (i) => {
    await generator.generateBatch(Array.from({ length: batch }, (_, k) => i * batch + k))
  },
}
const rows = {}
for (const batch of [64, 1]) {
  const ms = { tfjs: [], sdk: [] }
  for (let r = 0; r < ROUNDS; r++) for (const side of ['tfjs', 'sdk']) ms[side].push(await time(sides[side](batch)))
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const ratios = ms.tfjs.map((t, r) => t / ms.sdk[r])
  rows[batch] = {
    tfjsMs: Number(median(ms.tfjs).toFixed(3)),
    sdkMs: Number(median(ms.sdk).toFixed(3)),
    tfjsImagesPerSec: Math.round((batch / median(ms.tfjs)) * 1000),
    sdkImagesPerSec: Math.round((batch / median(ms.sdk)) * 1000),
    sdkSpeedup: Number(median(ratios).toFixed(2)),
  }
}
await generator.dispose()

const result = {
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: `${platform()}-${arch()}`,
    node: process.version,
    tfjsBackend: tf.getBackend(),
  },
  rounds: ROUNDS,
  reps: REPS,
  rows,
}
const md = `# TF.js \`predict\` (WASM backend) vs gan-sdk (onnxruntime-node CPU), the same generator

The previous MNIST model's architecture (G 64→32, 28×28×1, z = 100) with seeded weights, exported by @gan-sdk/exporter. TF.js: latents → \`predict\` → \`data()\` (floats); gan-sdk: seeds → \`generateBatch\` (latents, inference, RGBA images). ${ROUNDS} rounds alternating, each the median of ${REPS} calls; medians of the rounds, speed-up paired by round.

| batch | TF.js WASM | gan-sdk | gan-sdk speed-up |
| --- | --- | --- | --- |
${Object.entries(rows)
  .sort(([a], [b]) => Number(b) - Number(a))
  .map(
    ([batch, r]) =>
      `| ${batch} | ${r.tfjsMs} ms (${r.tfjsImagesPerSec} images/s) | ${r.sdkMs} ms (${r.sdkImagesPerSec} images/s) | **${r.sdkSpeedup}×** |`,
  )
  .join('\n')}

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}; TF.js backend \`${result.machine.tfjsBackend}\` (one thread in Node).
`
const dir = fileURLToPath(new URL('./results/', import.meta.url))
await writeFileAtomic(`${dir}tfjs-vs-sdk.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
await writeFileAtomic(`${dir}tfjs-vs-sdk.md`, md, { fsync: false })
console.log(md)
