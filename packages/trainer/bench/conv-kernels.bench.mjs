#!/usr/bin/env node
// The DCGAN conv layers on the wasm backend, batch 64: stock vs sub-pixel Conv2DBackpropInput.
// Build first (npx tsup in packages/trainer, or npm run build at the root), then:
//   node packages/trainer/bench/conv-kernels.bench.mjs        (BENCH_REPS=n for more repetitions)
// Prints a table and writes results/conv-kernels.json.
//
// What each row exercises on wasm:
//   Conv2DTranspose forward = Conv2DBackpropInput (the kernel being compared);
//     its backward = Conv2D (input grad) + Conv2DBackpropFilter (ours in both columns).
//   Conv2D forward = XNNPACK Conv2D; its backward = Conv2DBackpropInput (compared) + Conv2DBackpropFilter.
// A Conv2D and the Conv2DTranspose that mirrors it do the same multiply-adds, so the "Conv2D" rows
// are the yardstick the transpose is measured against.
import * as tf from '@tensorflow/tfjs-core'
import { arch, cpus, platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { selectBackend } from '../dist/index.js'

const BATCH = 64
const REPS = Number(process.env.BENCH_REPS ?? 7)

/** [label, kind, input shape (NHWC, no batch), kernel, output channels]; stride 2, 'same' throughout. */
const LAYERS = [
  ['G1 Conv2DTranspose 7×7×128 → 14×14×64, k4', 'transpose', [7, 7, 128], 4, 64],
  ['G1 Conv2DTranspose 7×7×128 → 14×14×64, k5', 'transpose', [7, 7, 128], 5, 64],
  ['G2 Conv2DTranspose 14×14×64 → 28×28×1, k4', 'transpose', [14, 14, 64], 4, 1],
  ['G2 Conv2DTranspose 14×14×64 → 28×28×1, k5', 'transpose', [14, 14, 64], 5, 1],
  ['D1 Conv2D 28×28×1 → 14×14×64, k4', 'conv', [28, 28, 1], 4, 64],
  ['D2 Conv2D 14×14×64 → 7×7×128, k4', 'conv', [14, 14, 64], 4, 128],
]

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const round = (x) => Math.round(x * 10) / 10

function time(fn) {
  fn()
  const ms = []
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now()
    fn()
    ms.push(performance.now() - t0)
  }
  return median(ms)
}

/** Forward, and forward + backward (gradients w.r.t. input and weights, as training needs), in ms. */
function measure([, kind, [h, w, c], k, outC]) {
  const x = tf.randomNormal([BATCH, h, w, c], 0, 1, 'float32', 1)
  // Conv2D filters are [k, k, in, out]; a transpose's are [k, k, out, in].
  const filter = tf.randomNormal(kind === 'conv' ? [k, k, c, outC] : [k, k, outC, c], 0, 0.05, 'float32', 2)
  const layer =
    kind === 'conv'
      ? (xx, ff) => tf.conv2d(xx, ff, 2, 'same')
      : (xx, ff) => tf.conv2dTranspose(xx, ff, [BATCH, h * 2, w * 2, outC], 2, 'same')
  const seed = tf.tidy(() => tf.randomNormal(layer(x, filter).shape, 0, 1, 'float32', 3))
  const grads = tf.grads((xx, ff) => tf.sum(tf.mul(layer(xx, ff), seed)))
  // Braces matter: a typed array returned from tf.tidy is walked element by element looking for
  // tensors, which costs more than the conv itself.
  const forward = time(() =>
    tf.tidy(() => {
      layer(x, filter).dataSync()
    }),
  )
  const both = time(() =>
    tf.tidy(() => {
      grads([x, filter]).forEach((g) => g.dataSync())
    }),
  )
  tf.dispose([x, filter, seed])
  return { forwardMs: round(forward), backwardMs: round(both - forward), totalMs: round(both) }
}

const rows = []
for (const fast of [false, true]) {
  const sel = await selectBackend('wasm', { fastConvTranspose: fast, onnxRuntime: false })
  if (sel.name !== 'wasm') throw new Error(`expected the wasm backend, got ${sel.name}`)
  for (const layer of LAYERS) {
    const r = measure(layer)
    const row = rows.find((x) => x.layer === layer[0]) ?? rows[rows.push({ layer: layer[0] }) - 1]
    row[fast ? 'fast' : 'stock'] = r
  }
}

const speedup = (a, b) => Math.round((a / b) * 100) / 100
const header = `| wasm, batch ${BATCH}, median of ${REPS} (ms) | fwd stock | fwd fast | × | bwd stock | bwd fast | × | fwd+bwd stock | fwd+bwd fast | × |`
const table = [
  header,
  `|${' --- |'.repeat(10)}`,
  ...rows.map(
    ({ layer, stock: s, fast: f }) =>
      `| ${layer} | ${s.forwardMs} | ${f.forwardMs} | ${speedup(s.forwardMs, f.forwardMs)} | ${s.backwardMs} | ${f.backwardMs} | ${speedup(s.backwardMs, f.backwardMs)} | ${s.totalMs} | ${f.totalMs} | ${speedup(s.totalMs, f.totalMs)} |`,
  ),
].join('\n')
const machine = {
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  platform: `${platform()}-${arch()}`,
  node: process.version,
  tfjs: tf.version_core,
}
console.log(
  `${table}\n\n${machine.cpu}, ${machine.cores} cores (the wasm backend runs one thread in Node), Node ${machine.node}, TF.js ${machine.tfjs}`,
)

const dir = fileURLToPath(new URL('./results/', import.meta.url))
await writeFileAtomic(
  `${dir}conv-kernels.json`,
  `${JSON.stringify({ machine, batch: BATCH, reps: REPS, stride: 2, pad: 'same', rows }, null, 2)}\n`,
  {
    fsync: false,
  },
)
