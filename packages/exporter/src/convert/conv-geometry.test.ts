import { describe, expect, it } from 'vitest'
import { convAxis, convTransposeAxis } from './conv-geometry.js'

const CASES = [1, 2, 3, 4, 5].flatMap((k) => [1, 2, 3].flatMap((s) => [1, 2, 5, 6, 7].map((n) => ({ n, k, s }))))

describe('convAxis (TF forward conv)', () => {
  it.each(CASES)('n=$n k=$k s=$s', ({ n, k, s }) => {
    const same = convAxis({ n, k, s }, 'same')
    expect(same.out).toBe(Math.ceil(n / s))
    // The padded input holds exactly the windows TF takes, the extra pixel (if any) at the end.
    expect((same.out - 1) * s + k).toBeLessThanOrEqual(n + same.pads[0] + same.pads[1])
    expect(same.pads[1] - same.pads[0]).toBeGreaterThanOrEqual(0)
    expect(same.pads[1] - same.pads[0]).toBeLessThanOrEqual(1)
    expect(convAxis({ n, k, s }, 'valid')).toEqual({ out: Math.floor((n - k) / s) + 1, pads: [0, 0] })
  })
})

describe('convTransposeAxis (TF transposed conv)', () => {
  it.each(CASES)('n=$n k=$k s=$s', ({ n, k, s }) => {
    for (const padding of ['same', 'valid'] as const) {
      const g = convTransposeAxis({ n, k, s }, padding)
      expect(g.out).toBe(padding === 'same' ? n * s : n * s + Math.max(k - s, 0))
      // ONNX ConvTranspose's output size with these attributes is TF's.
      expect(s * (n - 1) + k + g.outputPadding - g.pads[0] - g.pads[1]).toBe(g.out)
      expect(g.outputPadding).toBe(Math.max(s - k, 0))
      expect(g.outputPadding).toBeLessThan(s)
      expect(g.pads[1] - g.pads[0]).toBeGreaterThanOrEqual(0)
      expect(g.pads[1] - g.pads[0]).toBeLessThanOrEqual(1)
      // The pads are those of the forward conv this layer is the gradient of.
      if (padding === 'same') expect(g.pads).toEqual(convAxis({ n: g.out, k, s }, 'same').pads)
    }
  })
})
