#!/usr/bin/env node
// Baking against generating, side by side in one process: the same --images seeds of the bundled
// model through `generateBatch` (RGBA in memory, runs of 256) and through `bake` (generate + PNG
// encode in worker threads + atomic writes + the manifest), into an empty output and cache each
// round. Reports images/s of both, the ratio (goal ≥ 0.8), and where the rest goes: PNG encoding
// on one thread, and the writes, timed alone. Writes results/bake.{json,md}; run after a build.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { arch, availableParallelism, cpus, platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { parseArgs } from 'node:util'
import { Generator } from '../dist/index.node.js'
import { bake } from '../dist/index.bake.js'

const { values: args } = parseArgs({ options: { images: { type: 'string', default: '4096' }, rounds: { type: 'string', default: '5' } } })
const IMAGES = Number(args.images)
const ROUNDS = Number(args.rounds)
const seeds = Array.from({ length: IMAGES }, (_, i) => i)
const generator = await Generator.load('mnist', { device: 'cpu' })
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function timeGenerate() {
  const t0 = performance.now()
  await generator.generateBatch(seeds, { batchSize: 256 })
  return performance.now() - t0
}

async function timeBake() {
  const dir = await mkdtemp(join(tmpdir(), 'gan-bake-bench-'))
  const t0 = performance.now()
  await bake({ model: generator, seeds: `0-${IMAGES - 1}`, outDir: join(dir, 'out'), cacheDir: join(dir, 'cache') })
  const ms = performance.now() - t0
  await rm(dir, { recursive: true, force: true })
  return ms
}

/** PNG encoding on this thread and writing the files (out + cache), timed alone. */
async function timeParts() {
  const images = await generator.generateBatch(seeds.slice(0, 1024))
  let t0 = performance.now()
  const pngs = images.map((image) => image.toPNG())
  const encode = ((performance.now() - t0) / images.length) * IMAGES
  const dir = await mkdtemp(join(tmpdir(), 'gan-bake-bench-'))
  t0 = performance.now()
  await Promise.all(
    pngs.map(async (png, i) => {
      await writeFile(join(dir, `${i}.png.tmp`), png)
      await rename(join(dir, `${i}.png.tmp`), join(dir, `${i}.png`))
    }),
  )
  const write = ((performance.now() - t0) / images.length) * IMAGES * 2 // the output file and the cache entry
  await rm(dir, { recursive: true, force: true })
  return { encode, write }
}

await timeGenerate()
await timeBake() // warm-up
const gen = []
const bk = []
for (let r = 0; r < ROUNDS; r++) {
  gen.push(await timeGenerate())
  bk.push(await timeBake())
}
const parts = await timeParts()
await generator.dispose()
const ratios = gen.map((g, r) => g / bk[r])
const result = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: `${platform()}-${arch()}`, node: process.version },
  images: IMAGES,
  rounds: ROUNDS,
  generateBatchImagesPerSec: Math.round((IMAGES / median(gen)) * 1000),
  bakeImagesPerSec: Math.round((IMAGES / median(bk)) * 1000),
  bakeShareOfGenerate: Number(median(ratios).toFixed(3)),
  msFor: {
    generateBatch: Math.round(median(gen)),
    bake: Math.round(median(bk)),
    pngEncodeOneThread: Math.round(parts.encode),
    writes: Math.round(parts.write),
  },
  encoderThreads: Math.max(1, availableParallelism() - 1),
}
const md = `# Baking vs generating

${IMAGES.toLocaleString('en-US')} seeds of the bundled MNIST model, ${ROUNDS} rounds alternating (medians; the ratio paired by round).

| | images/s | ms |
| --- | --- | --- |
| \`generateBatch\` (RGBA in memory, runs of 256) | ${result.generateBatchImagesPerSec} | ${result.msFor.generateBatch} |
| \`bake\` (generate + PNG in ${result.encoderThreads} encoder thread(s) + atomic writes + manifest, empty cache) | ${result.bakeImagesPerSec} | ${result.msFor.bake} |
| **bake ÷ generateBatch** | **${result.bakeShareOfGenerate}** | |

Where the rest goes, timed alone for the same number of images: PNG encoding on one thread
${result.msFor.pngEncodeOneThread} ms (the bake runs it in worker threads while the model runs the next batch),
writing the files (output and cache, temp file + rename each) ${result.msFor.writes} ms.

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}.
`
const dir = fileURLToPath(new URL('./results/', import.meta.url))
await writeFileAtomic(`${dir}bake.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
await writeFileAtomic(`${dir}bake.md`, md, { fsync: false })
console.log(md)
