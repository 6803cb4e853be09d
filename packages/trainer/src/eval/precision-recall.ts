/**
 * Improved precision and recall of a generator (Kynkäänniemi et al., 2019), in a feature space:
 * each real feature vector gets a ball reaching its k-th nearest real neighbour, and each generated
 * one a ball reaching its k-th nearest generated neighbour. Precision is the share of generated
 * samples inside some real ball (are the samples realistic?); recall the share of real samples
 * inside some generated ball (do the samples cover the real variety?). Exact, O(n²) distances.
 */
export function precisionRecall(
  real: Float32Array,
  realCount: number,
  fake: Float32Array,
  fakeCount: number,
  dims: number,
  k = 3,
): { precision: number; recall: number } {
  const dist = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let s = 0
    for (let d = 0; d < dims; d++) {
      const x = a[i * dims + d]! - b[j * dims + d]!
      s += x * x
    }
    return s
  }
  /** Squared distance from each point to its k-th nearest neighbour in the same set. */
  const radii = (set: Float32Array, count: number) =>
    Float64Array.from({ length: count }, (_, i) => {
      const ds: number[] = []
      for (let j = 0; j < count; j++) if (j !== i) ds.push(dist(set, i, set, j))
      ds.sort((a, b) => a - b)
      return ds[Math.min(k, ds.length) - 1] ?? 0
    })
  /** Share of `points` within the ball of some member of `set`. */
  const covered = (points: Float32Array, pointCount: number, set: Float32Array, setCount: number, r: Float64Array) => {
    let inside = 0
    for (let i = 0; i < pointCount; i++) {
      for (let j = 0; j < setCount; j++) {
        if (dist(points, i, set, j) <= r[j]!) {
          inside++
          break
        }
      }
    }
    return inside / pointCount
  }
  const realRadii = radii(real, realCount)
  const fakeRadii = radii(fake, fakeCount)
  return { precision: covered(fake, fakeCount, real, realCount, realRadii), recall: covered(real, realCount, fake, fakeCount, fakeRadii) }
}
