import { describe, expect, it } from 'vitest'
import { formatDuration } from '@gan-sdk/internal'
import { formatProgress } from './progress-bar.js'

describe('progress bar', () => {
  it('formats the step, share, speed, ETA and losses', () => {
    expect(formatProgress({ step: 750, totalSteps: 3000, imagesPerSec: 64, batchSize: 64, dLoss: 1.2346, gLoss: 0.5 })).toBe(
      'step 750/3000 [######------------------] 25% | 64 img/s | ETA 37m30s | D 1.235 G 0.500',
    )
    expect([formatDuration(42.4), formatDuration(3600 * 2 + 300), formatDuration(Number.NaN)]).toEqual(['42s', '2h05m', '-'])
  })
})
