// What the trainer's benchmarks share: the step train() makes (one D update on real + fake, one G
// update) for a DCGAN of the given widths, timed on the wasm backend; train() itself, timed step by
// step with a given number of workers; and the results writer.
import * as tf from '@tensorflow/tfjs-core'
import { mkdtemp, rm } from 'node:fs/promises'
import { arch, cpus, loadavg, platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { buildDiscriminator, buildGenerator, selectBackend, train } from '../dist/index.js'

export const BATCH = 64
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
export const machine = () => ({
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  platform: `${platform()}-${arch()}`,
  node: process.version,
  // Other work on the machine while measuring: training speed is only comparable on a quiet one.
  loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
})

function makeStep(gf, df, size, channels) {
  const cfg = {
    latentSize: 100,
    width: size,
    height: size,
    channels,
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
  return () => {
    const real = tf.randomUniform([BATCH, size, size, channels], -1, 1)
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

/**
 * Training images/s of G `gf`, D `df` (at `size`×`size`×`channels`, 28×28×1 by default) on the wasm
 * backend with the given kernels: the median of `steps` steps after one warm-up.
 */
export async function stepImagesPerSec(gf, df, { fastConvTranspose, onnxRuntime, steps, size = 28, channels = 1 }) {
  await selectBackend('wasm', { fastConvTranspose, onnxRuntime })
  const step = makeStep(gf, df, size, channels)
  step()
  const ms = []
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now()
    step()
    ms.push(performance.now() - t0)
  }
  return Math.round((BATCH / median(ms)) * 1000 * 10) / 10
}

/**
 * Images/s of train() itself (batch preparation, the step, the EMA update) on the wasm backend with
 * `workers` replicas, on random images of the given shape (speed does not depend on the pixels):
 * the median time between progress events over `steps` steps, after `warmup` steps.
 */
export async function trainImagesPerSec({ size, channels, generatorFilters, discriminatorFilters, workers, steps, warmup = 2 }) {
  const count = BATCH * 4
  let state = 1
  const pixels = Uint8Array.from({ length: count * size * size * channels }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24)
  const dataset = {
    name: 'random',
    width: size,
    height: size,
    channels,
    pixels,
    labels: new Uint8Array(count),
    classNames: ['x'],
    count,
    license: 'CC0-1.0',
  }
  const outDir = await mkdtemp(join(tmpdir(), 'gan-bench-'))
  const times = []
  try {
    await train({
      outDir: join(outDir, 'run'),
      dataset,
      generatorFilters,
      discriminatorFilters,
      batchSize: BATCH,
      steps: warmup + steps,
      sampleEvery: 1e6,
      checkpointEvery: 1e6,
      logEvery: 1e6,
      backend: 'wasm',
      workers,
      onEvent: (e) => {
        if (e.type === 'start' || e.type === 'progress') times.push(performance.now())
      },
    })
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
  const ms = times.slice(warmup + 1).map((t, i) => t - times[warmup + i])
  return Math.round((BATCH / median(ms)) * 1000 * 10) / 10
}

/**
 * {@link trainImagesPerSec} for each worker count, `rounds` times, alternating: `best` is the
 * highest of the rounds (the least disturbed: on a shared machine another process's burst slows a
 * synchronous 2-worker step more than a 1-worker one), `runs` all of them.
 */
export async function workersImagesPerSec(config, workerCounts, rounds) {
  const runs = Object.fromEntries(workerCounts.map((w) => [w, []]))
  for (let r = 0; r < rounds; r++) for (const w of workerCounts) runs[w].push(await trainImagesPerSec({ ...config, workers: w }))
  return Object.fromEntries(workerCounts.map((w) => [w, { best: Math.max(...runs[w]), runs: runs[w] }]))
}

/** Write results/<name>.json and results/<name>.md atomically, and print the table. */
export async function writeResults(name, result, md) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url))
  await writeFileAtomic(`${dir}${name}.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
  await writeFileAtomic(`${dir}${name}.md`, md, { fsync: false })
  console.log(md)
}
