#!/usr/bin/env node
// Training throughput on the wasm backend: stock vs sub-pixel Conv2DBackpropInput, for the
// reference DCGAN (G 128→64, D 64→128) and the shipped MNIST config (G 64→32, D 32→64), batch 64,
// plus the Conv2DTranspose layer alone. Run: npm run bench (repo root). Writes results/train-speed.{json,md}.
import * as tf from '@tensorflow/tfjs-core'
import { cpus, platform, arch } from 'node:os'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { selectBackend, buildGenerator, buildDiscriminator } from '../dist/index.js'

const STEPS = Number(process.env.BENCH_STEPS ?? 6)
const BATCH = 64
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function makeStep(gf, df) {
  const cfg = {
    latentSize: 100,
    width: 28,
    height: 28,
    channels: 1,
    generatorFilters: gf,
    discriminatorFilters: df,
    kernelSize: 4,
    seed: 1,
  }
  const G = buildGenerator(cfg)
  const D = buildDiscriminator(cfg)
  const gOpt = tf.train.adam(2e-4, 0.5)
  const dOpt = tf.train.adam(2e-4, 0.5)
  const gVars = G.trainableWeights.map((w) => w.read())
  const dVars = D.trainableWeights.map((w) => w.read())
  // The same update train() makes: one D step on real + fake, one G step.
  return () => {
    const real = tf.randomUniform([BATCH, 28, 28, 1], -1, 1)
    const z = tf.randomNormal([BATCH, 100])
    const fake = tf.tidy(() => G.apply(z, { training: true }))
    const d = dOpt.minimize(
      () =>
        tf.add(tf.mean(tf.softplus(tf.neg(D.apply(real, { training: true })))), tf.mean(tf.softplus(D.apply(fake, { training: true })))),
      true,
      dVars,
    )
    const g = gOpt.minimize(() => tf.mean(tf.softplus(tf.neg(D.apply(G.apply(z, { training: true }), { training: true })))), true, gVars)
    tf.dispose([real, z, fake, d, g])
  }
}

async function imagesPerSec(gf, df, fast) {
  await selectBackend('wasm', { fastConvTranspose: fast })
  const step = makeStep(gf, df)
  step()
  const ms = []
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now()
    step()
    ms.push(performance.now() - t0)
  }
  return Math.round((BATCH / median(ms)) * 1000 * 10) / 10
}

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
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, platform: `${platform()}-${arch()}`, node: process.version },
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
const dir = fileURLToPath(new URL('./results/', import.meta.url))
await mkdir(dir, { recursive: true })
for (const [file, text] of [
  ['train-speed.json', JSON.stringify(result, null, 2) + '\n'],
  ['train-speed.md', md],
]) {
  await writeFile(`${dir}${file}.tmp`, text)
  await rename(`${dir}${file}.tmp`, `${dir}${file}`)
}
console.log(md)
