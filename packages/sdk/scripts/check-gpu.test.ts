import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const script = fileURLToPath(new URL('./check-gpu.mjs', import.meta.url))

describe('check:gpu', () => {
  it('reports every device: the ones that run with their parity, alone and three at once, the others with why', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-check-gpu-')), 'report.json')
    const { stdout } = await run(process.execPath, [script, '--model', 'mnist', '--rounds', '1', '--out', out])
    expect(stdout).toMatch(/^device {2}\| runs \| max \|device − cpu\| \| the same, 3 generators at once \| images\/s \| why not$/m)
    const report = JSON.parse(await readFile(out, 'utf8')) as {
      rows: { device: string; available: boolean; maxAbsDiff?: number; concurrentDiff?: number; imagesPerSec?: number; reason?: string }[]
    }
    expect(report.rows.map((r) => r.device)).toEqual(['cpu', 'cuda', 'dml', 'coreml', 'webgpu'])
    const cpu = report.rows[0]!
    expect(cpu).toMatchObject({ available: true, maxAbsDiff: 0, concurrentDiff: 0 })
    expect(cpu.imagesPerSec).toBeGreaterThan(0)
    for (const row of report.rows.filter((r) => !r.available)) expect(row.reason).toMatch(/^device "\w+" is unavailable: .+/)
  })
})
