#!/usr/bin/env node
// Sum over the leading axes ([B, H, W, C] → [C]: every bias gradient and BatchNorm statistic) on the
// wasm backend, three ways side by side on the 64×64 colour network's activation shapes, batch 64:
// our kernel (column sums read from the heap, src/backend/wasm-reduce.ts), a product with a row of
// ones (the kernel before it), and the stock path (transpose the reduced axes last, then sum).
// Each repetition gets a fresh input, as training does: XNNPACK caches the packed right-hand side
// of a product by tensor, so timing one input over and over hides the packing that training pays.
// Run after a build: node packages/trainer/bench/reductions.bench.mjs. Writes results/reductions.{json,md}.
import * as tf from '@tensorflow/tfjs-core'
import { selectBackend } from '../dist/index.js'
import { machine, median, writeResults } from './reference-step.mjs'

const REPS = Number(process.env.BENCH_REPS ?? 11)
const SHAPES = [
  [64, 32, 32, 64],
  [64, 16, 16, 128],
  [64, 8, 8, 256],
]

/** Median ms of `fn` on a fresh random input of `shape` per repetition, after one warm-up. */
function time(shape, fn) {
  const ms = []
  for (let i = 0; i <= REPS; i++) {
    const x = tf.randomNormal(shape)
    const t0 = performance.now()
    fn(x)
    if (i > 0) ms.push(performance.now() - t0)
    x.dispose()
  }
  return Math.round(median(ms) * 100) / 100
}

await selectBackend('wasm')
const rows = SHAPES.map((shape) => {
  const n = shape[0] * shape[1] * shape[2]
  const c = shape[3]
  return {
    shape,
    columnSumsMs: time(shape, (x) => tf.tidy(() => void tf.sum(x, [0, 1, 2]).dataSync())),
    productWithOnesMs: time(shape, (x) => tf.tidy(() => void tf.matMul(tf.ones([1, n]), tf.reshape(x, [n, c])).dataSync())),
    stockMs: time(shape, (x) => tf.tidy(() => void tf.sum(tf.transpose(tf.reshape(x, [n, c])), 1).dataSync())),
  }
})
const md = `| Sum over [B, H, W], wasm backend (median of ${REPS}, fresh input each) | column sums (ours) | product with ones (before) | transpose + sum (stock) |
| --- | --- | --- | --- |
${rows.map((r) => `| [${r.shape.join(', ')}] | ${r.columnSumsMs} ms | ${r.productWithOnesMs} ms | ${r.stockMs} ms |`).join('\n')}

Machine: ${machine().cpu}, ${machine().cores} cores, Node ${machine().node}; load average ${machine().loadAverage1m} when it ended.
`
await writeResults('reductions', { machine: machine(), reps: REPS, rows }, md)
