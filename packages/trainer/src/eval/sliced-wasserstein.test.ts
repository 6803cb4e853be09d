import { describe, expect, it } from 'vitest'
import { isTrainError } from '../errors.js'
import { mulberry32 } from '../random.js'
import { laplacianPyramid, slicedWasserstein, type ImageSet } from './sliced-wasserstein.js'

const SIDE = 32
const shape = { width: SIDE, height: SIDE, channels: 4 }

/** `count` 32×32 RGBA images, each a hard-edged opaque disc of a random colour, radius and place on transparency. */
function discs(count: number, seed: number, colour = (rand: () => number) => [rand(), rand(), rand()]): ImageSet {
  const rand = mulberry32(seed)
  const pixels = new Float32Array(count * SIDE * SIDE * 4)
  for (let n = 0; n < count; n++) {
    const [r, cx, cy, rgb] = [4 + rand() * 8, 10 + rand() * 12, 10 + rand() * 12, colour(rand)]
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) pixels.set([...rgb!, 1], ((n * SIDE + y) * SIDE + x) * 4)
      }
    }
  }
  return { pixels, count, shape }
}

/** Each image blurred by a 3×3 box (clamped at the borders), alpha too. */
function blurred(set: ImageSet): ImageSet {
  const { pixels, count } = set
  const out = new Float32Array(pixels.length)
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        for (let c = 0; c < 4; c++) {
          let [sum, k] = [0, 0]
          for (let yy = Math.max(0, y - 1); yy <= Math.min(SIDE - 1, y + 1); yy++) {
            for (let xx = Math.max(0, x - 1); xx <= Math.min(SIDE - 1, x + 1); xx++, k++)
              sum += pixels[((n * SIDE + yy) * SIDE + xx) * 4 + c]!
          }
          out[((n * SIDE + y) * SIDE + x) * 4 + c] = sum / k
        }
      }
    }
  }
  return { ...set, pixels: out }
}

const fast = { patchesPerImage: 16, directions: 128 }

describe('laplacianPyramid', () => {
  it.each([
    [16, 8],
    [33, 17],
    [17, 9],
  ])('leaves no detail in a flat %i×%i image, to its last row and column, and keeps it flat as its coarsest level', (side, half) => {
    const flat = new Float32Array(side * side * 3).fill(0.4)
    const [detail, coarse] = laplacianPyramid(flat, [side, half])
    expect(detail).toHaveLength(side * side * 3)
    expect(Math.max(...detail!.map(Math.abs))).toBeLessThan(1e-6)
    expect(coarse).toHaveLength(half * half * 3)
    for (const v of coarse!) expect(v).toBeCloseTo(0.4, 6)
  })

  it('puts a one-pixel checkerboard wholly in the detail level', () => {
    const checker = Float32Array.from(
      { length: 16 * 16 * 3 },
      (_, i) => ((Math.floor(i / 3) % 16) % 2) ^ (Math.floor(Math.floor(i / 3) / 16) % 2),
    )
    const [detail, coarse] = laplacianPyramid(checker, [16, 8])
    // The binomial filter's response to the highest frequency is 0: the coarse level is the mean, 0.5.
    for (const v of coarse!) expect(v).toBeCloseTo(0.5, 6)
    for (let i = 0; i < checker.length; i++) expect(detail![i]).toBeCloseTo(checker[i]! - 0.5, 6)
  })
})

describe('slicedWasserstein', () => {
  const real = discs(200, 1)

  it('scores a level per octave down to 16 pixels, the same for the same sets, and near 0 for two draws of the same images', () => {
    const again = discs(200, 2)
    const r = slicedWasserstein(real, again, fast)
    expect(r.map((l) => l.size)).toEqual([32, 16])
    expect(slicedWasserstein(real, again, fast)).toEqual(r)
    // Sampling noise only (other patches, other discs), per level: 38 and 60 for these draws, under
    // a fifth of what blur or speckle add at 32 px (below).
    for (const pair of [r, slicedWasserstein(real, real, fast)]) {
      expect(pair[0]!.distance).toBeLessThan(50)
      expect(pair[1]!.distance).toBeLessThan(75)
    }
  })

  it('sees blur at the finest level far more than at the coarsest', () => {
    const same = slicedWasserstein(real, discs(200, 2), fast)
    const soft = slicedWasserstein(real, blurred(discs(200, 2)), fast)
    expect(soft[0]!.distance).toBeGreaterThan(4 * same[0]!.distance)
    expect(soft[1]!.distance).toBeLessThan(1.5 * same[1]!.distance)
  })

  it('sees speckle at the finest level, and other colours at the coarsest', () => {
    const same = slicedWasserstein(real, discs(200, 2), fast)
    const noisy = discs(200, 2)
    const rand = mulberry32(9)
    for (let i = 0; i < noisy.pixels.length; i++)
      if (i % 4 !== 3) noisy.pixels[i] = Math.min(1, Math.max(0, noisy.pixels[i]! + (rand() - 0.5) * 0.5))
    expect(slicedWasserstein(real, noisy, fast)[0]!.distance).toBeGreaterThan(4 * same[0]!.distance)
    // Only reds: the same shapes and edges, another colour layout.
    const reds = slicedWasserstein(
      real,
      discs(200, 2, (rand) => [0.6 + 0.4 * rand(), 0, 0]),
      fast,
    )
    expect(reds[1]!.distance).toBeGreaterThan(4 * same[1]!.distance)
  })

  it('compares sets of different sizes, and grey with colour, at three levels for 64×64 and two for 33×33', () => {
    const grey = (count: number, seed: number): ImageSet => {
      const rand = mulberry32(seed)
      return { pixels: Float32Array.from({ length: count * 64 * 64 }, () => rand()), count, shape: { width: 64, height: 64, channels: 1 } }
    }
    const r = slicedWasserstein(grey(3, 1), grey(10, 2), fast)
    expect(r.map((l) => l.size)).toEqual([64, 32, 16])
    // An odd side halves rounding up, keeping its last pixel: 33 → 17 (not 16, which would leave the expand without its last row).
    const odd = (seed: number): ImageSet => {
      const rand = mulberry32(seed)
      return { pixels: Float32Array.from({ length: 4 * 33 * 33 }, () => rand()), count: 4, shape: { width: 33, height: 33, channels: 1 } }
    }
    expect(slicedWasserstein(odd(1), odd(2), fast).map((l) => l.size)).toEqual([33, 17])
    for (const l of r) expect(Number.isFinite(l.distance)).toBe(true)
  })

  it('averages over every direction asked for, also past a multiple of 128', () => {
    const other = blurred(discs(200, 2))
    const [d128, d132] = [128, 132].map((directions) => slicedWasserstein(real, other, { patchesPerImage: 16, directions }))
    // The first 128 directions are the same; 4 more move the mean a little, not by 128/4.
    for (const [l, level] of d132!.entries()) {
      expect(level.distance).not.toBe(d128![l]!.distance)
      expect(level.distance / d128![l]!.distance).toBeGreaterThan(0.9)
      expect(level.distance / d128![l]!.distance).toBeLessThan(1.1)
    }
  })

  it('refuses sets of two sizes and options out of range, saying which', () => {
    const small = { pixels: new Float32Array(16 * 16 * 4), count: 1, shape: { width: 16, height: 16, channels: 4 } }
    const refusal = (f: () => unknown) => {
      try {
        f()
      } catch (error) {
        expect(isTrainError(error)).toBe(true)
        return (error as Error).message
      }
      throw new Error('no error')
    }
    expect(refusal(() => slicedWasserstein(real, small))).toMatch(/one image size, got 32×32 and 16×16/)
    expect(refusal(() => slicedWasserstein(real, real, { directions: 130 }))).toMatch(
      /directions must be an integer ≥ 1, a multiple of 4, got 130/,
    )
    expect(refusal(() => slicedWasserstein(real, real, { patchesPerImage: 0 }))).toMatch(/patchesPerImage must be an integer ≥ 1/)
    expect(refusal(() => slicedWasserstein(real, real, { patchSize: 40 }))).toMatch(/at least 40×40 pixels/)
    expect(refusal(() => slicedWasserstein(real, { ...real, count: 201 }))).toMatch(/other holds 819200 values, not the 201 × 32 × 32 × 4/)
  })
})
