// Child process of sdk-memory.test.ts: 10,000 generate, 300 generateBatch(64) and 200 load/dispose
// cycles of the bundled model. Each phase first warms up (onnxruntime's arena grows once to the
// phase's batch size, V8 compiles), then samples the resident set size (MiB, after a full GC) 21
// times over its counted calls; printed as one JSON line { phase: [samples] }.
// Run with --expose-gc: collecting first measures what is kept, not what the collector has yet to free.
import { readFileSync } from 'node:fs'
import { BUNDLED_MODEL_URL, Generator } from 'gan-sdk'

const mib = () => {
  globalThis.gc?.()
  return Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10
}
const bytes = readFileSync(BUNDLED_MODEL_URL)
const load = () => Generator.load(bytes, { device: 'cpu' })
const SAMPLES = 20

/**
 * RSS samples over `count` calls of `step`, after `warm` uncounted ones.
 * @param {number} warm @param {number} count @param {(i: number) => Promise<unknown>} step
 */
async function phase(warm, count, step) {
  for (let i = 0; i < warm; i++) await step(i)
  const samples = [mib()]
  for (let i = 0; i < count; i++) {
    await step(i)
    if ((i + 1) % (count / SAMPLES) === 0) samples.push(mib())
  }
  return samples
}

const g = await load()
const generate = await phase(1000, 10_000, (i) => g.generate(i))
const batches = await phase(30, 300, (i) => g.generateBatch(Array.from({ length: 64 }, (_, k) => i * 64 + k)))
await g.dispose()
const loads = await phase(50, 200, async (i) => {
  const h = await load()
  await h.generate(i)
  await h.dispose()
})
console.log(JSON.stringify({ generate, batches, loads }))
