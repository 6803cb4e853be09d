import { describe, expect, it } from 'vitest'
import { precisionRecall } from './precision-recall.js'

/** Points on a line: value i·step + offset, in 1 dimension. */
const line = (count: number, step: number, offset = 0) => Float32Array.from({ length: count }, (_, i) => i * step + offset)

describe('precisionRecall (k = 3)', () => {
  it('is 1 and 1 for samples that are the real set', () => {
    const real = line(50, 1)
    expect(precisionRecall(real, 50, real, 50, 1)).toEqual({ precision: 1, recall: 1 })
  })

  it('a collapsed generator keeps precision and loses recall', () => {
    const real = line(50, 1)
    const collapsed = line(50, 0.01, 10) // everything near 10…10.5
    const { precision, recall } = precisionRecall(real, 50, collapsed, 50, 1)
    expect(precision).toBe(1)
    expect(recall).toBeLessThan(0.1)
  })

  it('samples far from the data have no precision', () => {
    const { precision } = precisionRecall(line(50, 1), 50, line(50, 1, 1000), 50, 1)
    expect(precision).toBe(0)
  })
})
