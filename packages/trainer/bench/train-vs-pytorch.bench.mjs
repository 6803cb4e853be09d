#!/usr/bin/env node
// The gap the trainer has to close, measured in one run: a training step of the reference DCGAN
// (G 128→64, D 64→128, batch 64) in @gan-sdk/trainer on the TF.js WASM backend (one thread in Node,
// our sub-pixel kernels), and the same network in PyTorch on the CPU with 1 and 2 threads
// (pytorch_reference.py), where `python3 -c 'import torch'` works. Writes results/train-vs-pytorch.{json,md}.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { BATCH, machine, stepImagesPerSec, writeResults } from './reference-step.mjs'

const STEPS = Number(process.env.BENCH_STEPS ?? 10)

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

const ours = await stepImagesPerSec([128, 64], [64, 128], { fastConvTranspose: true, steps: STEPS })
const torch = pytorch()
const result = {
  machine: machine(),
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
await writeResults('train-vs-pytorch', result, md)
