import { describe, expect, it } from 'vitest'
import { createLiveLine, formatDuration } from './live-line.js'

describe('live line', () => {
  it('formats durations', () => {
    expect([formatDuration(42.4), formatDuration(723), formatDuration(3600 * 2 + 300), formatDuration(Number.NaN)]).toEqual([
      '42s',
      '12m03s',
      '2h05m',
      '-',
    ])
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
