#!/usr/bin/env node
// The gap the trainer has to close, measured in one run: training the reference DCGAN (G 128→64,
// D 64→128, batch 64) with @gan-sdk/trainer's train() on the TF.js WASM backend (one thread per
// worker in Node, our kernels) with 1 and 2 workers, and the same network in PyTorch on the CPU with
// 1 and 2 threads (pytorch_reference.py), where `python3 -c 'import torch'` works. Writes
// results/train-vs-pytorch.{json,md}.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { BATCH, machine, workersImagesPerSec, writeResults } from './reference-step.mjs'

const STEPS = Number(process.env.BENCH_STEPS ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

/** PyTorch's figures, or why there are none: the python3 on PATH, else Debian's (which has python3-torch). */
function pytorch() {
  const script = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url))
  let error
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      // PyTorch's own threads parallelise; OpenBLAS's pthread build would add its own on top (on 2
      // cores that halved PyTorch's 2-thread figure).
      const env = { ...process.env, OPENBLAS_NUM_THREADS: '1' }
      const out = execFileSync(python, [script, '1', '2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env })
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

const reference = { size: 28, channels: 1, generatorFilters: [128, 64], discriminatorFilters: [64, 128], steps: STEPS }
const runs = await workersImagesPerSec(reference, [1, 2], ROUNDS)
const ours = [1, 2].map((threads) => ({ threads, imagesPerSec: runs[threads].best, runs: runs[threads].runs }))
const torch = pytorch()
const torchAt = (threads) => torch.rows?.find((r) => r.threads === threads)?.imagesPerSec
const ratio = (threads, x) => (torchAt(threads) ? (x / torchAt(threads)).toFixed(2) : '–')
const result = {
  machine: machine(),
  batch: BATCH,
  trainerWasm: ours,
  pytorch: torch.rows ?? null,
  ...(torch.missing ? { pytorchMissing: torch.missing } : {}),
}
const md = `# Training, reference DCGAN (G 128→64, D 64→128), batch ${BATCH}

| trainer | threads | images/s (trainer: median step, best of ${ROUNDS} rounds) | ÷ PyTorch on as many threads |
| --- | --- | --- | --- |
${ours.map((r) => `| @gan-sdk/trainer, TF.js WASM backend, workers ${r.threads} | ${r.threads} | ${r.imagesPerSec} | ${ratio(r.threads, r.imagesPerSec)} |`).join('\n')}
${(torch.rows ?? []).map((r) => `| PyTorch CPU | ${r.threads} | ${r.imagesPerSec} | 1 |`).join('\n')}${torch.missing ? `\n\nPyTorch: ${torch.missing}.` : ''}

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}; load average ${result.machine.loadAverage1m} when it ended.
`
await writeResults('train-vs-pytorch', result, md)
