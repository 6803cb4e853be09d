import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMetricsLog } from './metrics.js'

describe('createMetricsLog', () => {
  it('starts metrics.jsonl empty and appends one JSON line per call, images/s over the window since the last', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-metrics-'))
    const log = await createMetricsLog(dir)
    expect(await readFile(join(dir, 'metrics.jsonl'), 'utf8')).toBe('')
    log.addImages(64)
    log.addImages(64)
    const first = await log.append(2, 1.25, 0.75)
    expect(first).toMatchObject({ step: 2, dLoss: 1.25, gLoss: 0.75 })
    expect(first.imagesPerSec).toBeGreaterThan(0)
    const second = await log.append(3, 1, 1)
    expect(second.imagesPerSec).toBe(0) // no images since the last line
    expect(second.elapsedSec).toBeGreaterThanOrEqual(first.elapsedSec)
    const lines = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n')
    expect(lines.map((l) => JSON.parse(l))).toEqual([first, second])
  })
})
