#!/usr/bin/env node
// Training throughput on the wasm backend: stock vs sub-pixel Conv2DBackpropInput, for the
// reference DCGAN (G 128→64, D 64→128) and the shipped MNIST config (G 64→32, D 32→64), batch 64,
// plus the Conv2DTranspose layer alone. Run: npm run bench (repo root). Writes results/train-speed.{json,md}.
import * as tf from '@tensorflow/tfjs-core'
import { selectBackend } from '../dist/index.js'
import { BATCH, machine, median, stepImagesPerSec, writeResults } from './reference-step.mjs'

const STEPS = Number(process.env.BENCH_STEPS ?? 6)
const imagesPerSec = (gf, df, fast) => stepImagesPerSec(gf, df, { fastConvTranspose: fast, steps: STEPS })

async function layerMs(fast) {
  await selectBackend('wasm', { fastConvTranspose: fast })
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

const rows = []
for (const [label, gf, df] of [
  ['reference DCGAN: G 128→64, D 64→128', [128, 64], [64, 128]],
  ['shipped MNIST: G 64→32, D 32→64', [64, 32], [32, 64]],
]) {
  const stock = await imagesPerSec(gf, df, false)
  const fast = await imagesPerSec(gf, df, true)
  rows.push({ label, stock, fast, speedup: Math.round((fast / stock) * 100) / 100 })
}
const layer = { stockMs: await layerMs(false), fastMs: await layerMs(true) }
const result = {
  machine: machine(),
  batch: BATCH,
  steps: STEPS,
  training: rows,
  conv2dTranspose7x7x128to14x14x64: layer,
}
const md = `| training step, wasm backend, batch ${BATCH} (median of ${STEPS}) | stock kernel | sub-pixel kernel | speed-up |
| --- | --- | --- | --- |
${rows.map((r) => `| ${r.label} | ${r.stock} images/s | ${r.fast} images/s | ${r.speedup}× |`).join('\n')}
| Conv2DTranspose 7×7×128 → 14×14×64, k4 s2, forward | ${layer.stockMs} ms | ${layer.fastMs} ms | ${Math.round((layer.stockMs / layer.fastMs) * 100) / 100}× |

Machine: ${result.machine.cpu}, ${result.machine.cores} cores (the wasm backend uses one thread in Node), ${result.machine.platform}, Node ${result.machine.node}.
`
await writeResults('train-speed', result, md)
