#!/usr/bin/env node
// Training throughput on the wasm backend. Two tables:
// - train() itself with 1 and 2 workers (replicas in worker threads, each on half of every batch),
//   for the reference DCGAN (G 128→64, D 64→128, 28×28×1: the default `gan-train mnist`) and the
//   64×64 colour configuration (`gan-train emoji --size 64` defaults: G 256→128→64, D 64→128→256,
//   RGBA), batch 64;
// - one step in one thread with each set of kernels (TF.js's stock wasm kernels; ours on XNNPACK with
//   the sub-pixel Conv2DBackpropInput; ONNX Runtime's, the default), for the reference DCGAN, the
//   previous MNIST model's config (G 64→32, D 32→64) and the 64×64 colour one, plus the
//   Conv2DTranspose layer alone (stock vs sub-pixel).
// Run: npm run bench:train (repo root). Writes results/train-speed.{json,md}. Pause other work first:
// the workers need both cores, and the load average is recorded.
import * as tf from '@tensorflow/tfjs-core'
import { selectBackend } from '../dist/index.js'
import { BATCH, machine, median, stepImagesPerSec, workersImagesPerSec, writeResults } from './reference-step.mjs'

const STEPS = Number(process.env.BENCH_STEPS ?? 6)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** The kernel sets of the step table: options of selectBackend('wasm'). */
const KERNELS = {
  stock: { fastConvTranspose: false, onnxRuntime: false },
  xnnpack: { fastConvTranspose: true, onnxRuntime: false },
  onnxruntime: { fastConvTranspose: true, onnxRuntime: true },
}

async function layerMs(fast) {
  await selectBackend('wasm', { fastConvTranspose: fast, onnxRuntime: false })
  const x = tf.randomNormal([BATCH, 7, 7, 128])
  const w = tf.randomNormal([4, 4, 64, 128])
  const run = () =>
    tf.tidy(() => {
      tf.conv2dTranspose(x, w, [BATCH, 14, 14, 64], 2, 'same').dataSync()
    })
  run()
  const ms = []
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now()
    run()
    ms.push(performance.now() - t0)
  }
  tf.dispose([x, w])
  return Math.round(median(ms) * 10) / 10
}

const CONFIGS = [
  {
    label: 'reference DCGAN: G 128→64, D 64→128, 28×28×1',
    size: 28,
    channels: 1,
    generatorFilters: [128, 64],
    discriminatorFilters: [64, 128],
    steps: STEPS,
  },
  // A step takes seconds here: fewer of them.
  {
    label: '64×64 colour: G 256→128→64, D 64→128→256, 64×64×4',
    size: 64,
    channels: 4,
    generatorFilters: [256, 128, 64],
    discriminatorFilters: [64, 128, 256],
    steps: Math.min(STEPS, 4),
  },
]
const workers = []
for (const { label, ...config } of CONFIGS) {
  const runs = await workersImagesPerSec(config, [1, 2], ROUNDS)
  const [one, two] = [runs[1].best, runs[2].best]
  workers.push({ label, workers1: one, workers2: two, speedup: Math.round((two / one) * 100) / 100, runs })
}

const rows = []
for (const [label, gf, df, size, channels, steps] of [
  ['reference DCGAN: G 128→64, D 64→128, 28×28×1', [128, 64], [64, 128], 28, 1, STEPS],
  ['previous MNIST model: G 64→32, D 32→64, 28×28×1', [64, 32], [32, 64], 28, 1, STEPS],
  ['64×64 colour: G 256→128→64, D 64→128→256, 64×64×4', [256, 128, 64], [64, 128, 256], 64, 4, Math.min(STEPS, 3)],
]) {
  const row = { label }
  for (const [name, kernels] of Object.entries(KERNELS)) row[name] = await stepImagesPerSec(gf, df, { ...kernels, steps, size, channels })
  rows.push({ ...row, speedup: Math.round((row.onnxruntime / row.xnnpack) * 100) / 100 })
}
const layer = { stockMs: await layerMs(false), fastMs: await layerMs(true) }
const result = {
  machine: machine(),
  batch: BATCH,
  steps: STEPS,
  workers,
  training: rows,
  conv2dTranspose7x7x128to14x14x64: layer,
}
const md = `| train(), wasm backend, batch ${BATCH} (median step, best of ${ROUNDS} rounds) | 1 worker | 2 workers | speed-up |
| --- | --- | --- | --- |
${workers.map((r) => `| ${r.label} | ${r.workers1} images/s | ${r.workers2} images/s | ${r.speedup}× |`).join('\n')}

| one training step in one thread, wasm backend, batch ${BATCH} (median of ${STEPS}; 3 at 64×64) | TF.js stock kernels | XNNPACK + sub-pixel | ONNX Runtime (default) | ONNX Runtime / XNNPACK |
| --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.label} | ${r.stock} images/s | ${r.xnnpack} images/s | ${r.onnxruntime} images/s | ${r.speedup}× |`).join('\n')}

| Conv2DTranspose 7×7×128 → 14×14×64, k4 s2, forward, wasm backend | stock kernel | sub-pixel kernel | speed-up |
| --- | --- | --- | --- |
| one call, batch ${BATCH} | ${layer.stockMs} ms | ${layer.fastMs} ms | ${Math.round((layer.stockMs / layer.fastMs) * 100) / 100}× |

Machine: ${result.machine.cpu}, ${result.machine.cores} cores (the wasm backend uses one thread per worker in Node), ${result.machine.platform}, Node ${result.machine.node}; load average ${result.machine.loadAverage1m} when it ended.
`
await writeResults('train-speed', result, md)
