#!/usr/bin/env node
// Baking against generating, side by side in one process: the same --images seeds of each bundled
// model (--models mnist,emoji) through `generateBatch` (RGBA in memory, runs of 256) and through `bake` (generate + PNG
// encode, hash and atomic writes in worker threads + the manifest), into an empty output and cache
// each round: on the temp folder's disk, and (where /dev/shm exists) in memory, which separates the
// SDK's own cost from the file system's. Reports images/s, the ratio (goal ≥ 0.8), and where the
// rest goes: PNG encoding on one thread and creating the files, timed alone, and the CPU time of
// each side (every thread of the process), which bounds the ratio on this many cores. Writes
// results/bake.{json,md}; run after a build.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { arch, cpus, platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { linkFileAtomicSync, writeFileAtomic, writeFileAtomicSync } from '@gan-sdk/internal'
import { parseArgs } from 'node:util'
import { Generator } from '../dist/index.node.js'
import { bake, BAKE_SESSION_OPTIONS, DEFAULT_BAKE_CONCURRENCY } from '../dist/index.bake.js'

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '4096' },
    rounds: { type: 'string', default: '5' },
    models: { type: 'string', default: 'mnist,emoji' },
  },
})
const IMAGES = Number(args.images)
const ROUNDS = Number(args.rounds)
const seeds = Array.from({ length: IMAGES }, (_, i) => i)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const CORES = cpus().length

/** Wall and CPU time (user + system, every thread of this process) of `fn`, in ms. */
async function timed(fn) {
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const wall = performance.now() - t0
  const { user, system } = process.cpuUsage(cpu)
  return { wall, cpu: (user + system) / 1000 }
}
const MEMORY = existsSync('/dev/shm') ? '/dev/shm' : undefined

/** The figures for one bundled model: generateBatch against bake, rounds alternating, and the parts timed alone. */
async function measure(name) {
  const generator = await Generator.load(name, { device: 'cpu' })
  // The bake's side loads the model as bake() does when given a name: onnxruntime's threads do not spin.
  const baker = await Generator.load(name, { device: 'cpu', sessionOptions: BAKE_SESSION_OPTIONS })

  const timeGenerate = () => timed(() => generator.generateBatch(seeds, { batchSize: 256 }))

  async function timeBake(base = tmpdir()) {
    const dir = await mkdtemp(join(base, 'gan-bake-bench-'))
    const time = await timed(() => bake({ model: baker, seeds: `0-${IMAGES - 1}`, outDir: join(dir, 'out'), cacheDir: join(dir, 'cache') }))
    await rm(dir, { recursive: true, force: true })
    return time
  }

  /** PNG encoding on this thread, and creating the files as a bake's writers do (the cache entry: temp file + rename; the output: a hard link to it + rename; synchronous calls), timed alone. */
  async function timeParts() {
    const images = await generator.generateBatch(seeds.slice(0, 1024))
    images.forEach((image) => image.toPNG()) // warm the encoder up first, as a bake's writers are after their first run
    let t0 = performance.now()
    const pngs = images.map((image) => image.toPNG())
    const encode = ((performance.now() - t0) / images.length) * IMAGES
    const dir = await mkdtemp(join(tmpdir(), 'gan-bake-bench-'))
    t0 = performance.now()
    pngs.forEach((png, i) => {
      writeFileAtomicSync(join(dir, `${i}.entry`), png, { fsync: false })
      linkFileAtomicSync(join(dir, `${i}.entry`), join(dir, `${i}.png`))
    })
    const write = ((performance.now() - t0) / images.length) * IMAGES
    await rm(dir, { recursive: true, force: true })
    return { encode, write }
  }

  await timeGenerate()
  await timeBake() // warm-up
  const gen = []
  const bk = []
  const bkMemory = []
  for (let r = 0; r < ROUNDS; r++) {
    gen.push(await timeGenerate())
    bk.push(await timeBake())
    if (MEMORY !== undefined) bkMemory.push(await timeBake(MEMORY))
  }
  const parts = await timeParts()
  const { width, height, channels } = generator.info
  await Promise.all([generator.dispose(), baker.dispose()])
  const ratios = gen.map((g, r) => g.wall / bk[r].wall)
  const memoryRatios = gen.map((g, r) => g.wall / bkMemory[r].wall)
  const wall = (xs) => xs.map((x) => x.wall)
  const cpu = (xs) => xs.map((x) => x.cpu)
  // The bake cannot take less wall time than its CPU time spread over every core.
  const ceiling = (bakes) => Math.min(1, median(wall(gen)) / (median(cpu(bakes)) / CORES))
  return {
    model: name,
    image: `${width}×${height}×${channels}`,
    generateBatchImagesPerSec: Math.round((IMAGES / median(wall(gen))) * 1000),
    bakeImagesPerSec: Math.round((IMAGES / median(wall(bk))) * 1000),
    bakeShareOfGenerate: Number(median(ratios).toFixed(3)),
    bakeShareCeiling: Number(ceiling(bk).toFixed(3)),
    ...(MEMORY === undefined
      ? {}
      : {
          inMemory: {
            bakeImagesPerSec: Math.round((IMAGES / median(wall(bkMemory))) * 1000),
            bakeShareOfGenerate: Number(median(memoryRatios).toFixed(3)),
            bakeShareCeiling: Number(ceiling(bkMemory).toFixed(3)),
          },
        }),
    msFor: {
      generateBatch: Math.round(median(wall(gen))),
      bake: Math.round(median(wall(bk))),
      ...(MEMORY === undefined ? {} : { bakeInMemory: Math.round(median(wall(bkMemory))) }),
      pngEncodeOneThread: Math.round(parts.encode),
      writes: Math.round(parts.write),
    },
    cpuMsFor: {
      generateBatch: Math.round(median(cpu(gen))),
      bake: Math.round(median(cpu(bk))),
      ...(MEMORY === undefined ? {} : { bakeInMemory: Math.round(median(cpu(bkMemory))) }),
    },
  }
}

const models = []
for (const name of args.models.split(',')) models.push(await measure(name))
const result = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: CORES, platform: `${platform()}-${arch()}`, node: process.version },
  images: IMAGES,
  rounds: ROUNDS,
  writerThreads: DEFAULT_BAKE_CONCURRENCY,
  models,
}
const table = (m) => `## \`${m.model}\` (${m.image})

| | images/s | ms |
| --- | --- | --- |
| \`generateBatch\` (RGBA in memory, runs of 256) | ${m.generateBatchImagesPerSec} | ${m.msFor.generateBatch} |
| \`bake\` into the temp folder's disk (generate; PNG, hash, atomic writes in ${result.writerThreads} writer threads; manifest; empty cache) | ${m.bakeImagesPerSec} | ${m.msFor.bake} |
| **bake ÷ generateBatch** | **${m.bakeShareOfGenerate}** | |
${
  m.inMemory === undefined
    ? ''
    : `| \`bake\` into /dev/shm (memory: the same work without the disk's file system) | ${m.inMemory.bakeImagesPerSec} | ${m.msFor.bakeInMemory} |
| **bake in memory ÷ generateBatch** | **${m.inMemory.bakeShareOfGenerate}** | |
`
}
Where the rest goes, timed alone for the same number of images: PNG encoding on one thread
${m.msFor.pngEncodeOneThread} ms, creating the files on the temp folder's disk (the cache entry, then the output as a
hard link to it) ${m.msFor.writes} ms. The bake runs both in its writer threads while the model runs the next batch.

CPU time, every thread of the process: \`generateBatch\` ${m.cpuMsFor.generateBatch} ms, the bake ${m.cpuMsFor.bake} ms on disk${
  m.cpuMsFor.bakeInMemory === undefined ? '' : ` and ${m.cpuMsFor.bakeInMemory} ms in memory`
}. Spread over all ${result.machine.cores} cores at best, the bake's
CPU time allows it at most **${m.bakeShareCeiling}** of \`generateBatch\`'s speed on disk${
  m.inMemory === undefined ? '' : ` and **${m.inMemory.bakeShareCeiling}** in memory`
} on this machine: the ratio it reaches is ${(m.bakeShareOfGenerate / m.bakeShareCeiling).toFixed(2)} of that bound.
`
const md = `# Baking vs generating

${IMAGES.toLocaleString('en-US')} seeds of each bundled model, ${ROUNDS} rounds alternating (medians; the ratio paired by round).

${models.map(table).join('\n')}
Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}.
`
const dir = fileURLToPath(new URL('./results/', import.meta.url))
await writeFileAtomic(`${dir}bake.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
await writeFileAtomic(`${dir}bake.md`, md, { fsync: false })
console.log(md)
