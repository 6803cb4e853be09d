import { describe, expect, it } from 'vitest'
import { channelsFirstOrder, gather, gatherCols, gatherRows, invert, isIdentity, permuteAxes } from './tensor-layout.js'

describe('tensor layout helpers', () => {
  it('channelsFirstOrder maps each [C, H, W] position to its [H, W, C] index', () => {
    // h=1, w=2, c=3: NHWC [p0c0 p0c1 p0c2 p1c0 p1c1 p1c2] read channels-first.
    expect([...channelsFirstOrder(1, 2, 3)]).toEqual([0, 3, 1, 4, 2, 5])
    expect(isIdentity(channelsFirstOrder(4, 5, 1))).toBe(true)
    expect(isIdentity(channelsFirstOrder(1, 1, 7))).toBe(true)
  })

  it('agrees with permuteAxes([H, W, C] → [C, H, W])', () => {
    const [h, w, c] = [3, 4, 2]
    const nhwc = Float32Array.from({ length: h * w * c }, (_, i) => i)
    expect([...gather(nhwc, channelsFirstOrder(h, w, c))]).toEqual([...permuteAxes(nhwc, [h, w, c], [2, 0, 1])])
  })

  it('permuteAxes moves a TF.js conv kernel [kh, kw, in, out] to ONNX [out, in, kh, kw]', () => {
    const shape = [2, 3, 4, 5]
    const data = Float32Array.from({ length: 120 }, (_, i) => i)
    const out = permuteAxes(data, shape, [3, 2, 0, 1])
    const at = (o: number, i: number, y: number, x: number) => out[((o * 4 + i) * 2 + y) * 3 + x]
    const src = (y: number, x: number, i: number, o: number) => data[((y * 3 + x) * 4 + i) * 5 + o]
    expect(at(4, 1, 1, 2)).toBe(src(1, 2, 1, 4))
    expect(at(0, 3, 0, 1)).toBe(src(0, 1, 3, 0))
  })

  it('invert, gatherRows and gatherCols', () => {
    const order = Int32Array.from([2, 0, 1])
    expect([...invert(order)]).toEqual([1, 2, 0])
    expect([...gather(Float32Array.from([10, 20, 30]), order)]).toEqual([30, 10, 20])
    const m = Float32Array.from([1, 2, 3, 4, 5, 6]) // [[1, 2], [3, 4], [5, 6]]
    expect([...gatherRows(m, 2, order)]).toEqual([5, 6, 1, 2, 3, 4])
    expect([...gatherCols(Float32Array.from([1, 2, 3, 4, 5, 6]), 3, order)]).toEqual([3, 1, 2, 6, 4, 5])
  })
})
