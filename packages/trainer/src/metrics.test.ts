import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMetricsLog } from './metrics.js'

describe('createMetricsLog', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('writes images/s 0, not null, for a window with no images or no measurable length', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-metrics-'))
    vi.spyOn(performance, 'now').mockReturnValue(5000)
    const log = await createMetricsLog(dir)
    log.addImages(64)
    await log.append(1, 0.5, 0.5)
    await log.append(2, 0.5, 0.5)
    const lines = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as { imagesPerSec: unknown }).imagesPerSec)).toEqual([0, 0])
  })

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
