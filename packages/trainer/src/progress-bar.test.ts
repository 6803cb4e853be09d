import { describe, expect, it } from 'vitest'
import { createLiveLine, formatDuration, formatProgress } from './progress-bar.js'

describe('progress bar', () => {
  it('formats the step, share, speed, ETA and losses', () => {
    expect(formatProgress({ step: 750, totalSteps: 3000, imagesPerSec: 64, batchSize: 64, dLoss: 1.2346, gLoss: 0.5 })).toBe(
      'step 750/3000 [######------------------] 25% | 64 img/s | ETA 37m30s | D 1.235 G 0.500',
    )
    expect([formatDuration(42.4), formatDuration(3600 * 2 + 300), formatDuration(Number.NaN)]).toEqual(['42s', '2h05m', '-'])
  })

  it('redraws in place at most every interval, and steps aside for printed lines', () => {
    const out: string[] = []
    let now = 0
    const line = createLiveLine({ write: (t) => out.push(t) }, 100, () => now)
    line.update('a')
    line.update('b')
    now = 150
    line.update('c')
    line.around(() => out.push('LINE\n'))
    line.clear()
    expect(out).toEqual(['\r\u001b[Ka', '\r\u001b[Kc', '\r\u001b[K', 'LINE\n', '\r\u001b[Kc', '\r\u001b[K'])
  })
})
