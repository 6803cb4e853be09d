import { decode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { renderGrid } from './render-grid.js'

describe('renderGrid', () => {
  it('tiles images with a gutter and maps the range to bytes', () => {
    const pixels = new Float32Array(3 * 2 * 2).fill(-1)
    pixels.fill(1, 4, 8) // second image white
    const png = decode(renderGrid(pixels, 3, { width: 2, height: 2, channels: 1 }, { cols: 2 }))
    // 2 columns × (2 + 2 gap) + 2 = 10 wide; 2 rows → 10 high.
    expect([png.width, png.height, png.channels]).toEqual([10, 10, 1])
    const at = (x: number, y: number) => png.data[y * 10 + x]
    expect(at(2, 2)).toBe(0) // first image, black
    expect(at(6, 2)).toBe(255) // second image, white
    expect(at(0, 0)).toBe(0) // gutter
  })

  it('turns values into bytes as the SDK does: rounded half up, clamped, NaN → 0', () => {
    const bytesOf = (values: number[], range: [number, number]) => {
      const png = decode(renderGrid(Float32Array.from(values), 1, { width: values.length, height: 1, channels: 1 }, { range }))
      const row = png.width * 2 + 2 // first pixel of the only tile
      return Array.from(png.data.subarray(row, row + values.length))
    }
    expect(bytesOf([0.49, 0.5, 1.5, 2.5, 254.49, 254.5, 300, -3, Number.NaN, Infinity, -Infinity], [0, 255])).toEqual([
      0, 1, 2, 3, 254, 255, 255, 0, 0, 255, 0,
    ])
    expect(bytesOf([-1, 0, 0.5, 1], [-1, 1])).toEqual([0, 128, 191, 255])
  })
})
