#!/usr/bin/env node
// For users with a GPU: which devices (onnxruntime-node execution providers) run here, whether each
// gives the CPU's images (max |device − cpu| over the float output), alone and with three
// generators loading, running and disposing at once (one with two workers), and images/s at batch 64.
// `npm run check:gpu -w gan-sdk [-- --model m.onnx --rounds 20]` after a build. Prints a table and
// writes the same as JSON to --out when given.
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import { Generator, isGanError } from '../dist/index.node.js'

const { values: args } = parseArgs({
  options: { model: { type: 'string', default: 'mnist' }, rounds: { type: 'string', default: '20' }, out: { type: 'string' } },
})
const DEVICES = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu']
const BATCH = 64
const seeds = Array.from({ length: BATCH }, (_, i) => i)

const cpu = await Generator.load(args.model, { device: 'cpu' })
const reference = (await cpu.generateBatch(seeds, { keepFloat: true })).map((image) => image.float)
await cpu.dispose()

const rows = []
for (const device of DEVICES) {
  let generator
  try {
    generator = await Generator.load(args.model, { device, fallback: false })
  } catch (err) {
    rows.push({ device, available: false, reason: isGanError(err) ? err.message.replace(/^\[gan-sdk\] /, '') : String(err) })
    continue
  }
  const images = await generator.generateBatch(seeds, { keepFloat: true })
  let maxAbsDiff = 0
  images.forEach((image, n) => image.float.forEach((v, i) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - reference[n][i])))))
  for (let r = 0; r < 5; r++) await generator.generateBatch(seeds) // warm-up
  const times = []
  for (let r = 0; r < Number(args.rounds); r++) {
    const t = performance.now()
    await generator.generateBatch(seeds)
    times.push(performance.now() - t)
  }
  const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]
  // Loads, runs and disposals at once from this thread and from workers (onnxruntime's WebGPU
  // provider crashed on this before its sessions took turns): the images must still be the CPU's.
  const others = await Promise.all([
    Generator.load(args.model, { device, fallback: false, workers: 2 }),
    Generator.load(args.model, { device, fallback: false }),
  ])
  const batches = await Promise.all(
    [generator, ...others].flatMap((g) => [g.generateBatch(seeds, { keepFloat: true }), g.generate(seeds[3], { keepFloat: true })]),
  )
  let concurrentDiff = 0
  batches.flat().forEach((image) => {
    const expected = reference[image.seed]
    image.float.forEach((v, i) => (concurrentDiff = Math.max(concurrentDiff, Math.abs(v - expected[i]))))
  })
  await Promise.all([generator, ...others].map((g) => g.dispose()))
  rows.push({ device, available: true, maxAbsDiff, concurrentDiff, imagesPerSec: Math.round((BATCH / median) * 1000) })
}

const backends = ort.listSupportedBackends().map((b) => `${b.name}${b.bundled ? '' : ' (installed separately)'}`)
console.log(
  `onnxruntime-node ${ort.env.versions.common}, ${process.platform}-${process.arch}; execution providers in this build: ${backends.join(', ')}`,
)
console.log(`model: ${args.model}; batch ${BATCH}, median of ${args.rounds} runs\n`)
console.log('device  | runs | max |device − cpu| | the same, 3 generators at once | images/s | why not')
console.log('------- | ---- | ------------------ | ------------------------------ | -------- | -------')
const cell = (r, value, width) => (r.available ? value : '').padEnd(width)
for (const r of rows) {
  console.log(
    `${r.device.padEnd(7)} | ${r.available ? 'yes ' : 'no  '} | ${cell(r, r.maxAbsDiff?.toExponential(2), 18)} | ${cell(r, r.concurrentDiff?.toExponential(2), 30)} | ${r.available ? String(r.imagesPerSec).padStart(8) : ''.padEnd(8)} | ${r.reason ?? ''}`,
  )
}
if (args.out) await writeFile(args.out, `${JSON.stringify({ platform: `${process.platform}-${process.arch}`, rows }, null, 2)}\n`)
