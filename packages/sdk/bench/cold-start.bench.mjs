#!/usr/bin/env node
// Cold start, process start → first image, side by side: gan-sdk's `generate(1)` + `toPNG()` with
// the bundled model against raw onnxruntime-node (import, read the model, create a session, run one
// latent and its class: the bundled model is conditional). Each side is a fresh `node` process,
// alternating for --rounds rounds; the ratio is taken round by round. Writes results/cold-start.{json,md}. `node packages/sdk/bench/cold-start.bench.mjs`
// after a build (the root `npm run bench` builds first).
import { execFileSync } from 'node:child_process'
import { arch, cpus, platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '20' } } })
const ROUNDS = Number(args.rounds)
const model = fileURLToPath(new URL('../assets/mnist.onnx', import.meta.url))
const sdkEntry = new URL('../dist/index.node.js', import.meta.url).href

const SIDES = {
  raw: `import * as ort from 'onnxruntime-node'
import { readFile } from 'node:fs/promises'
const s = await ort.InferenceSession.create(await readFile(${JSON.stringify(model)}), { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 })
await s.run({ latent: new ort.Tensor('float32', new Float32Array(100), [1, 100]), label: new ort.Tensor('int64', new BigInt64Array(1), [1]) })`,
  sdk: `import { generate } from ${JSON.stringify(sdkEntry)}
;(await generate(1)).toPNG()`,
  sdkCpu: `import { Generator } from ${JSON.stringify(sdkEntry)}
;(await (await Generator.load('mnist', { device: 'cpu' })).generate(1)).toPNG()`,
}

/** Wall time of one fresh process running `code`, in ms. */
function wall(code) {
  const t0 = performance.now()
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' })
  return performance.now() - t0
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const times = { raw: [], sdk: [], sdkCpu: [] }
for (const side of Object.keys(SIDES)) wall(SIDES[side]) // warm the file cache
for (let r = 0; r < ROUNDS; r++) for (const side of Object.keys(SIDES)) times[side].push(wall(SIDES[side]))
const ratio = (side) => median(times[side].map((t, r) => t / times.raw[r]))
const result = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: `${platform()}-${arch()}`, node: process.version },
  rounds: ROUNDS,
  medianMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))])),
  ratioToRaw: { sdk: Number(ratio('sdk').toFixed(3)), sdkCpu: Number(ratio('sdkCpu').toFixed(3)) },
}
const md = `# Cold start: process start → first image

${ROUNDS} rounds of fresh \`node\` processes, sides alternating; medians, and the ratio to raw paired by round.

| side | ms (median) | ÷ raw |
| --- | --- | --- |
| raw onnxruntime-node: import, read, create session, run one latent | ${result.medianMs.raw} | 1 |
| gan-sdk \`generate(1)\` + \`toPNG()\` (bundled model, \`device: 'auto'\`) | ${result.medianMs.sdk} | **${result.ratioToRaw.sdk}×** |
| gan-sdk with \`device: 'cpu'\` (no GPU probing) | ${result.medianMs.sdkCpu} | ${result.ratioToRaw.sdkCpu}× |

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}.
`
const dir = fileURLToPath(new URL('./results/', import.meta.url))
await writeFileAtomic(`${dir}cold-start.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
await writeFileAtomic(`${dir}cold-start.md`, md, { fsync: false })
console.log(md)
