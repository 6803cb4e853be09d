/**
 * The feature space for scoring colour (or any) images without a trained network: each image as a
 * thumbnail of `side × side` pixels (the mean of each block, so 64×64 images become 8×8 blocks of
 * 8×8), in RGB, transparent pixels composited onto white. 8×8×3 = 192 numbers per image. It sees
 * colour layout and coarse shape — a blurry blob of the right colours scores well — and nothing of
 * fine detail or semantics: much weaker than FID's Inception features, but fixed, cheap and the same
 * everywhere. Scores in it compare runs on the same data; they are not comparable to published FIDs.
 */
export function pixelFeatures(
  pixels: Float32Array,
  count: number,
  shape: { width: number; height: number; channels: number },
  side = 8,
): Float32Array {
  const { width, height, channels } = shape
  const out = new Float32Array(count * side * side * 3)
  for (let n = 0; n < count; n++) {
    for (let by = 0; by < side; by++) {
      for (let bx = 0; bx < side; bx++) {
        const y0 = Math.floor((by * height) / side)
        const y1 = Math.max(y0 + 1, Math.floor(((by + 1) * height) / side))
        const x0 = Math.floor((bx * width) / side)
        const x1 = Math.max(x0 + 1, Math.floor(((bx + 1) * width) / side))
        const sum = [0, 0, 0]
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            for (let c = 0; c < 3; c++) sum[c]! += onWhite(pixels, ((n * height + y) * width + x) * channels, c, channels)
          }
        }
        const area = (y1 - y0) * (x1 - x0)
        for (let c = 0; c < 3; c++) out[((n * side + by) * side + bx) * 3 + c] = sum[c]! / area
      }
    }
  }
  return out
}

/** The gradient magnitude from which a pixel counts as on a strong edge: a quarter of the full range, between neighbours. */
export const STRONG_EDGE = 0.25

/**
 * How crisp images are, as the mean over images of the share of their pixels on a strong edge:
 * where the colour changes by at least `threshold` (in [0, 1] units, transparency composited onto
 * white) to the next pixel, √(dx² + dy²) with forward differences, the largest over R, G and B. A
 * sharp outline is a change of the full contrast within one pixel; blurring spreads it over
 * several, each under the threshold, so blurred images score lower than the real ones they imitate,
 * while faint noise does not count and strong speckle counts too much: near the real images' share
 * is best. Compare it only between images of the same size.
 */
export function strongEdgeShare(
  pixels: Float32Array,
  count: number,
  shape: { width: number; height: number; channels: number },
  threshold = STRONG_EDGE,
): number {
  const { width, height } = shape
  if (width < 2 || height < 2) return 0
  const limit = threshold * threshold
  // Each image composited once: each pixel is read as itself and as two neighbours.
  return meanOverImages(pixels, count, shape, (rgb) => {
    let edges = 0
    for (let y = 0; y < height - 1; y++) {
      for (let x = 0; x < width - 1; x++) {
        const p = (y * width + x) * 3
        for (let c = 0; c < 3; c++) {
          const dx = rgb[p + 3 + c]! - rgb[p + c]!
          const dy = rgb[p + width * 3 + c]! - rgb[p + c]!
          if (dx * dx + dy * dy >= limit) {
            edges++
            break
          }
        }
      }
    }
    return edges / ((width - 1) * (height - 1))
  })
}

/**
 * How colourful images are, as the mean over images of Hasler and Süsstrunk's colourfulness
 * (2003), on 0–255 channels, transparency composited onto white: with the opponent channels
 * rg = R − G and yb = (R + G)/2 − B over an image's pixels, √(σ²rg + σ²yb) + 0.3·√(μ²rg + μ²yb).
 * Grey images score 0; the authors' scale calls 15 slightly, 33 moderately, 45 averagely, 59 quite,
 * 82 highly and 109 extremely colourful. Washed-out samples (pale, greyish fills, colours
 * half-transparent over white) score under the real images they imitate: near them is best.
 */
export function colourfulness(pixels: Float32Array, count: number, shape: { width: number; height: number; channels: number }): number {
  const area = shape.width * shape.height
  if (area === 0) return 0
  return meanOverImages(pixels, count, shape, (rgb) => {
    let rgSum = 0
    let ybSum = 0
    let rgSquares = 0
    let ybSquares = 0
    for (let p = 0; p < area * 3; p += 3) {
      const rg = 255 * (rgb[p]! - rgb[p + 1]!)
      const yb = 255 * ((rgb[p]! + rgb[p + 1]!) / 2 - rgb[p + 2]!)
      rgSum += rg
      ybSum += yb
      rgSquares += rg * rg
      ybSquares += yb * yb
    }
    const rgMean = rgSum / area
    const ybMean = ybSum / area
    const variance = Math.max(0, rgSquares / area - rgMean * rgMean + ybSquares / area - ybMean * ybMean)
    return Math.sqrt(variance) + 0.3 * Math.sqrt(rgMean * rgMean + ybMean * ybMean)
  })
}

/**
 * How strongly images show the pixel-pair pattern that a stride-2 transposed convolution leaves
 * when it makes the image (Odena, Dumoulin & Olah 2016, "Deconvolution and checkerboard
 * artifacts"): each output pixel's parity takes different kernel taps, so neighbours within a pair
 * (x = 2k, 2k + 1) differ by more, or less, than neighbours across pairs (2k + 1, 2k + 2). With the
 * colour change between neighbours measured as the sum of the absolute R, G and B differences
 * (transparency composited onto white), averaged over every image and both axes into the two
 * phases' mean changes a and b: |a − b| / (a + b). 0 is no pattern; 1/3, changes at one phase twice
 * those at the other; 1, no change at all at one phase (an image upscaled ×2 by copying pixels).
 * The real emoji sit near 0. Strong-edge shares count such a pattern as edges, so read them beside
 * this. 0 for images without two pixels in a row across a pair, or without any change.
 */
export function pixelPairContrast(pixels: Float32Array, count: number, shape: { width: number; height: number; channels: number }): number {
  const { width, height } = shape
  // Neighbour pairs whose first pixel is at phase 0 (within a pixel pair) or 1 (across pairs): of
  // the n − 1 positions along a line of n pixels, the even ones and the odd ones.
  const pairs = (phase: number) => {
    const along = (n: number) => (phase === 0 ? Math.ceil((n - 1) / 2) : Math.floor((n - 1) / 2))
    return count * (height * along(width) + width * along(height))
  }
  const [withinPairs, acrossPairs] = [pairs(0), pairs(1)]
  if (withinPairs === 0 || acrossPairs === 0) return 0
  // Summed change by phase.
  const change = [0, 0]
  forEachImageOnWhite(pixels, count, shape, (rgb) => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 3
        for (let c = 0; c < 3; c++) {
          if (x + 1 < width) change[x % 2]! += Math.abs(rgb[p + 3 + c]! - rgb[p + c]!)
          if (y + 1 < height) change[y % 2]! += Math.abs(rgb[p + width * 3 + c]! - rgb[p + c]!)
        }
      }
    }
  })
  const within = change[0]! / withinPairs
  const across = change[1]! / acrossPairs
  return within + across === 0 ? 0 : Math.abs(within - across) / (within + across)
}

/** The mean of `score` over the images of `pixels`, each handed to it in RGB on white; 0 for no images. */
function meanOverImages(pixels: Float32Array, count: number, shape: ImageShape, score: (rgb: Float32Array) => number): number {
  let total = 0
  forEachImageOnWhite(pixels, count, shape, (rgb) => void (total += score(rgb)))
  return count === 0 ? 0 : total / count
}

/** Hands `visit` each image of `pixels` in turn, in RGB on white (one buffer, reused). */
function forEachImageOnWhite(pixels: Float32Array, count: number, shape: ImageShape, visit: (rgb: Float32Array) => void): void {
  const rgb = new Float32Array(shape.width * shape.height * 3)
  for (let n = 0; n < count; n++) visit(rgbOnWhite(pixels, n, shape, rgb))
}

type ImageShape = { width: number; height: number; channels: number }

/** Image `n` of `pixels` in RGB, grey replicated, transparency composited onto white: into `rgb` (width · height · 3 numbers), which it returns. */
export function rgbOnWhite(
  pixels: Float32Array,
  n: number,
  shape: { width: number; height: number; channels: number },
  rgb = new Float32Array(shape.width * shape.height * 3),
): Float32Array {
  const { width, height, channels } = shape
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = onWhite(pixels, (n * width * height + i) * channels, c, channels)
  }
  return rgb
}

/** Channel `c` (0–2) of the pixel at `p`, grey replicated, transparency composited onto white. */
function onWhite(pixels: Float32Array, p: number, c: number, channels: number): number {
  const alpha = channels === 4 ? pixels[p + 3]! : 1
  return (channels === 1 ? pixels[p]! : pixels[p + c]!) * alpha + (1 - alpha)
}
