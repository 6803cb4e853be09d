import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('soak/rss.mjs', import.meta.url))
/** Least-squares slope of `ys` against 0, 1, 2, …: MiB per sample step. */
function slope(ys: number[]): number {
  const n = ys.length
  const mx = (n - 1) / 2
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  })
  return num / den
}

/**
 * How much resident memory each phase may gain over its counted calls, as the trend of 21 samples
 * (each after a full GC), so that the native allocator's swings (±20 MiB around a plateau across
 * load/dispose cycles) do not read as growth. A leak of one image per call (3 KiB) would gain
 * 30 MiB over 10,000 generate calls, of one batch per call 60 MiB over 300 batches, of one model
 * per load (≥ 1.4 MiB of weights) 280 MiB over 200 loads. Measured on the 2-core EPYC: see the
 * test's output and the README.
 */
const BOUND_MIB = 16

describe('memory under load', () => {
  it(
    `10,000 generate + 300 generateBatch(64) + 200 load/dispose: RSS gains < ${BOUND_MIB} MiB per phase after warm-up`,
    { timeout: 300_000 },
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', CHILD])
      const rss = JSON.parse(stdout) as Record<'generate' | 'batches' | 'loads', number[]>
      const gains = Object.fromEntries(
        Object.entries(rss).map(([phase, samples]) => [phase, Math.round(slope(samples) * (samples.length - 1) * 10) / 10]),
      )
      console.log('RSS trend over each phase (MiB):', JSON.stringify(gains), 'samples:', JSON.stringify(rss))
      for (const gain of Object.values(gains)) expect(gain).toBeLessThan(BOUND_MIB)
    },
  )
})
