#!/usr/bin/env node
// What the exporter's graph optimisation and float16 weights buy: node counts, file sizes, ONNX
// Runtime speed and float16's output error, on random-weight generators of the trainer's shapes.
// Run after a build: `node packages/exporter/bench/optimize.bench.mjs [--rounds 15] [--reps 20]`.
// Writes results/optimize.json and results/optimize.md beside this file, atomically.
//
// Speed: each model runs as an unoptimised export (batch norms and layout nodes as converted) and an
// optimised one, in alternating rounds, one session at a time with one intra-op thread (two pools
// spinning at once would skew either side); a round times `reps` runs after one warm-up. Both with
// ONNX Runtime's own graph optimisations on (the default, which already fuses Conv+BN) and off (like
// runtimes with a weaker optimiser). Reported: the median over rounds of the per-round mean.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { writeFileAtomic } from '@gan-sdk/internal'
import { seedsToLatents } from 'gan-sdk/core'
import * as ort from 'onnxruntime-node'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { exportOnnx } from '../dist/index.js'

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, reps: { type: 'string', default: '20' } } })
const ROUNDS = Number(args.rounds)
const REPS = Number(args.reps)

tf.env().set('PROD', true)
await tf.setBackend('cpu')

/** The trainer's DCGAN generator (buildGenerator's layers), optionally conditional (Embedding × latent). */
function generator({ latent, size, channels, filters, classes }) {
  const start = size / 2 ** filters.length
  const body = [
    tfl.layers.dense({ units: start * start * filters[0], useBias: false }),
    tfl.layers.batchNormalization(),
    tfl.layers.leakyReLU({ alpha: 0.2 }),
    tfl.layers.reshape({ targetShape: [start, start, filters[0]] }),
  ]
  for (const f of filters.slice(1)) {
    body.push(
      tfl.layers.conv2dTranspose({ filters: f, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      tfl.layers.batchNormalization(),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
    )
  }
  body.push(tfl.layers.conv2dTranspose({ filters: channels, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }))
  const z = tfl.input({ shape: [latent] })
  const inputs = [z]
  let x = z
  if (classes) {
    const label = tfl.input({ shape: [1], dtype: 'int32' })
    inputs.push(label)
    x = tfl.layers
      .multiply()
      .apply([z, tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: classes, outputDim: latent }).apply(label))])
  }
  for (const layer of body) x = layer.apply(x)
  const model = tfl.model({ inputs, outputs: x })
  // He-scaled random weights and BN statistics, so outputs depend on every weight (as after training).
  let seed = 1
  for (const layer of model.layers) {
    const transposed = layer.getClassName() === 'Conv2DTranspose'
    layer.setWeights(
      layer.weights.map((w) => {
        const key = w.originalName.split('/').pop()
        const shape = w.shape
        if (key === 'kernel') {
          const fanIn = shape.length === 2 ? shape[0] : (shape[0] * shape[1] * shape[transposed ? 3 : 2]) / (transposed ? 4 : 1)
          return tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++)
        }
        if (key === 'gamma') return tf.randomUniform(shape, 0.5, 1.5, 'float32', seed++)
        if (key === 'moving_variance') return tf.randomUniform(shape, 0.5, 2, 'float32', seed++)
        if (key === 'embeddings') return tf.randomNormal(shape, 1, 0.3, 'float32', seed++)
        return tf.randomNormal(shape, 0, 0.2, 'float32', seed++)
      }),
    )
  }
  return model
}

async function artifactsOf(model) {
  let saved
  await model.save(
    tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
  )
  return saved
}

const MODELS = [
  { name: 'mnist-dcgan (28×28×1, the shipped shape)', shape: { latent: 100, size: 28, channels: 1, filters: [128, 64] }, batch: 64 },
  {
    name: 'conditional colour (64×64×3, 10 classes)',
    shape: { latent: 100, size: 64, channels: 3, filters: [256, 128, 64], classes: 10 },
    batch: 16,
  },
]

async function timeRuns(bytes, feeds, level) {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: level })
  await session.run(feeds)
  const start = performance.now()
  for (let i = 0; i < REPS; i++) await session.run(feeds)
  const ms = (performance.now() - start) / REPS
  await session.release()
  return ms
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const results = []
for (const { name, shape, batch } of MODELS) {
  const artifacts = await artifactsOf(generator(shape))
  const labels = shape.classes ? Array.from({ length: shape.classes }, (_, i) => `class-${i}`) : undefined
  const base = { range: [-1, 1], labels, verify: false }
  const plain = await exportOnnx(artifacts, { ...base, optimize: false })
  const optimized = await exportOnnx(artifacts, { ...base, verify: true })
  const half = await exportOnnx(artifacts, { ...base, fp16: true, verify: true })
  const feeds = {
    latent: new ort.Tensor(
      'float32',
      seedsToLatents(
        Array.from({ length: batch }, (_, i) => i),
        shape.latent,
      ),
      [batch, shape.latent],
    ),
  }
  if (shape.classes)
    feeds.label = new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % shape.classes)),
      [batch],
    )
  const speed = {}
  for (const level of ['all', 'disabled']) {
    const rounds = { plain: [], optimized: [] }
    for (let r = 0; r < ROUNDS; r++) {
      rounds.plain.push(await timeRuns(plain.bytes, feeds, level))
      rounds.optimized.push(await timeRuns(optimized.bytes, feeds, level))
    }
    speed[level] = { plainMs: median(rounds.plain), optimizedMs: median(rounds.optimized) }
  }
  results.push({
    name,
    batch,
    nodes: { before: optimized.optimization.nodesBefore, after: optimized.optimization.nodesAfter, ...optimized.optimization },
    bytes: { float32: optimized.bytes.byteLength, float16: half.bytes.byteLength },
    float16: { maxAbsDiff: half.float16.maxAbsDiff, maxByteDiff: half.float16.maxByteDiff, verifyMaxAbsDiff: half.maxAbsDiff },
    float32VerifyMaxAbsDiff: optimized.maxAbsDiff,
    speed,
  })
  console.log(JSON.stringify(results.at(-1)))
}

const machine = `${cpus().length}× ${cpus()[0]?.model ?? 'CPU'}, onnxruntime-node ${ort.env.versions?.node ?? ''}`.trim()
const md = [
  `# Exporter graph optimisation and float16 weights`,
  '',
  `${machine}; one intra-op thread; median of ${ROUNDS} rounds × ${REPS} runs. Random He-scaled weights.`,
  '',
  '| model | batch | nodes before → after | ORT opt. on: before / after (ms) | ORT opt. off: before / after (ms) | float32 → float16 size | max \\|fp16 − fp32\\| (pixel levels) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.batch} | ${r.nodes.before} → ${r.nodes.after} | ${r.speed.all.plainMs.toFixed(2)} / ${r.speed.all.optimizedMs.toFixed(2)} | ${r.speed.disabled.plainMs.toFixed(2)} / ${r.speed.disabled.optimizedMs.toFixed(2)} | ${(r.bytes.float32 / 1024).toFixed(0)} → ${(r.bytes.float16 / 1024).toFixed(0)} KiB | ${r.float16.maxAbsDiff.toExponential(2)} (${r.float16.maxByteDiff}) |`,
  ),
  '',
]
const dir = fileURLToPath(new URL('results/', import.meta.url))
await writeFileAtomic(`${dir}optimize.json`, JSON.stringify({ machine, rounds: ROUNDS, reps: REPS, results }, null, 2) + '\n')
await writeFileAtomic(`${dir}optimize.md`, md.join('\n'))
console.log(md.join('\n'))
