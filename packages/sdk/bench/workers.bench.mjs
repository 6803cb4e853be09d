#!/usr/bin/env node
// The event loop while generating, side by side in one run: 10,000 images from the bundled model in
// batches of 256, on the calling thread and with `workers: 1` and `workers: 2`. Reports images/s and
// the event loop's worst and p99 delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) while
// generating. Writes results/workers.{json,md}. Run after a build (the root `npm run bench` builds).
import { arch, cpus, platform } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { parseArgs } from 'node:util'
import { Generator } from '../dist/index.node.js'

const { values: args } = parseArgs({ options: { images: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '3' } } })
const IMAGES = Number(args.images)
const ROUNDS = Number(args.rounds)
const seeds = Array.from({ length: IMAGES }, (_, i) => i)

/** One pass: images/s and the event loop delay while generating all seeds. */
async function pass(generator) {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  const t0 = performance.now()
  await generator.generateBatch(seeds, { batchSize: 256 })
  const ms = performance.now() - t0
  histogram.disable()
  return { imagesPerSec: (IMAGES / ms) * 1000, maxDelayMs: histogram.max / 1e6, p99DelayMs: histogram.percentile(99) / 1e6 }
}

const sides = { 'in-thread': { device: 'cpu' }, 'workers: 1': { device: 'cpu', workers: 1 }, 'workers: 2': { device: 'cpu', workers: 2 } }
const generators = Object.fromEntries(
  await Promise.all(Object.entries(sides).map(async ([name, options]) => [name, await Generator.load('mnist', options)])),
)
for (const g of Object.values(generators)) await g.generateBatch(seeds.slice(0, 512)) // warm-up
const runs = Object.fromEntries(Object.keys(sides).map((name) => [name, []]))
for (let r = 0; r < ROUNDS; r++) for (const [name, g] of Object.entries(generators)) runs[name].push(await pass(g))
await Promise.all(Object.values(generators).map((g) => g.dispose()))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const summary = Object.fromEntries(
  Object.entries(runs).map(([name, rs]) => [
    name,
    {
      imagesPerSec: Math.round(median(rs.map((r) => r.imagesPerSec))),
      maxDelayMs: Number(median(rs.map((r) => r.maxDelayMs)).toFixed(1)),
      p99DelayMs: Number(median(rs.map((r) => r.p99DelayMs)).toFixed(1)),
    },
  ]),
)
const result = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: `${platform()}-${arch()}`, node: process.version },
  images: IMAGES,
  batchSize: 256,
  rounds: ROUNDS,
  summary,
}
const md = `# Generating ${IMAGES.toLocaleString('en-US')} images: the event loop, in-thread and with workers

Bundled MNIST model, \`generateBatch\` in runs of 256, ${ROUNDS} rounds per side (medians).

| | images/s | worst event-loop delay | p99 delay |
| --- | --- | --- | --- |
${Object.entries(summary)
  .map(([name, s]) => `| ${name} | ${s.imagesPerSec} | ${s.maxDelayMs} ms | ${s.p99DelayMs} ms |`)
  .join('\n')}

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}.
`
const dir = fileURLToPath(new URL('./results/', import.meta.url))
await writeFileAtomic(`${dir}workers.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
await writeFileAtomic(`${dir}workers.md`, md, { fsync: false })
console.log(md)
