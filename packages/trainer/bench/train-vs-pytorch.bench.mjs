#!/usr/bin/env node
// The gap the trainer has to close, measured in one run: a training step of the reference DCGAN
// (G 128→64, D 64→128, batch 64) in @gan-sdk/trainer on the TF.js WASM backend (one thread in Node,
// our sub-pixel kernels), and the same network in PyTorch on the CPU with 1 and 2 threads
// (pytorch_reference.py), where `python3 -c 'import torch'` works. Writes results/train-vs-pytorch.{json,md}.
import * as tf from '@tensorflow/tfjs-core'
import { execFileSync } from 'node:child_process'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { arch, cpus, platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { buildDiscriminator, buildGenerator, selectBackend } from '../dist/index.js'

const BATCH = 64
const STEPS = Number(process.env.BENCH_STEPS ?? 10)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** One train()-style step (D on real + fake, then G), timed over STEPS after a warm-up. */
async function tfjsImagesPerSec() {
  await selectBackend('wasm', { fastConvTranspose: true })
  const cfg = {
    latentSize: 100,
    width: 28,
    height: 28,
    channels: 1,
    generatorFilters: [128, 64],
    discriminatorFilters: [64, 128],
    kernelSize: 4,
    seed: 1,
  }
  const G = buildGenerator(cfg)
  const D = buildDiscriminator(cfg)
  const gOpt = tf.train.adam(2e-4, 0.5)
  const dOpt = tf.train.adam(2e-4, 0.5)
  const gVars = G.trainableWeights.map((w) => w.read())
  const dVars = D.trainableWeights.map((w) => w.read())
  const step = () => {
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
  step()
  const ms = []
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now()
    step()
    ms.push(performance.now() - t0)
  }
  return Math.round((BATCH / median(ms)) * 1000 * 10) / 10
}

/** PyTorch's figures, or why there are none: the python3 on PATH, else Debian's (which has python3-torch). */
function pytorch() {
  const script = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url))
  let error
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const out = execFileSync(python, [script, '1', '2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      return {
        rows: out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      }
    } catch (err) {
      error = err
    }
  }
  return { missing: `python3 with torch is not available (${String(error.message).split('\n')[0]}): apt-get install python3-torch` }
}

const ours = await tfjsImagesPerSec()
const torch = pytorch()
const result = {
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, platform: `${platform()}-${arch()}`, node: process.version },
  batch: BATCH,
  trainerWasm: ours,
  pytorch: torch.rows ?? null,
  ...(torch.missing ? { pytorchMissing: torch.missing } : {}),
}
const md = `# Training step, reference DCGAN (G 128→64, D 64→128), batch ${BATCH}

| trainer | images/s | @gan-sdk/trainer ÷ this |
| --- | --- | --- |
| @gan-sdk/trainer, TF.js WASM backend (one thread in Node) | ${ours} | 1 |
${(torch.rows ?? []).map((r) => `| PyTorch CPU, ${r.threads} thread${r.threads === 1 ? '' : 's'} | ${r.imagesPerSec} | ${(ours / r.imagesPerSec).toFixed(2)} |`).join('\n')}${torch.missing ? `\n\nPyTorch: ${torch.missing}.` : ''}

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}.
`
const dir = fileURLToPath(new URL('./results/', import.meta.url))
await mkdir(dir, { recursive: true })
for (const [file, text] of [
  ['train-vs-pytorch.json', `${JSON.stringify(result, null, 2)}\n`],
  ['train-vs-pytorch.md', md],
]) {
  await writeFile(`${dir}${file}.tmp`, text)
  await rename(`${dir}${file}.tmp`, `${dir}${file}`)
}
console.log(md)
