// What the trainer's benchmarks share: the step train() makes (one D update on real + fake, one G
// update) for a DCGAN of the given widths, timed on the wasm backend, and the results writer.
import * as tf from '@tensorflow/tfjs-core'
import { arch, cpus, platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { buildDiscriminator, buildGenerator, selectBackend } from '../dist/index.js'

export const BATCH = 64
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
export const machine = () => ({ cpu: cpus()[0]?.model, cores: cpus().length, platform: `${platform()}-${arch()}`, node: process.version })

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

/** Training images/s of G `gf`, D `df` on the wasm backend: the median of `steps` steps after one warm-up. */
export async function stepImagesPerSec(gf, df, { fastConvTranspose, steps }) {
  await selectBackend('wasm', { fastConvTranspose })
  const step = makeStep(gf, df)
  step()
  const ms = []
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now()
    step()
    ms.push(performance.now() - t0)
  }
  return Math.round((BATCH / median(ms)) * 1000 * 10) / 10
}

/** Write results/<name>.json and results/<name>.md atomically, and print the table. */
export async function writeResults(name, result, md) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url))
  await writeFileAtomic(`${dir}${name}.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
  await writeFileAtomic(`${dir}${name}.md`, md, { fsync: false })
  console.log(md)
}
