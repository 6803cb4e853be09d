import { decode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { renderGrid } from './samples.js'

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
})
