import { describeValue } from 'gan-sdk/core'
import { TrainError } from '../errors.js'

/**
 * Fréchet distance between two Gaussians fitted to feature sets (the FID formula, here in the
 * feature space of our own MNIST classifier):
 *   d² = |μ₁ − μ₂|² + tr(Σ₁) + tr(Σ₂) − 2·tr(√(√Σ₁ Σ₂ √Σ₁))
 * The matrix square roots come from symmetric eigendecompositions (both arguments are symmetric
 * positive semi-definite), computed in float64.
 */
export function frechetDistance(a: Float32Array, countA: number, b: Float32Array, countB: number, dim: number): number {
  const [muA, covA] = meanAndCovariance(a, countA, dim)
  const [muB, covB] = meanAndCovariance(b, countB, dim)
  let meanTerm = 0
  for (let i = 0; i < dim; i++) meanTerm += (muA[i]! - muB[i]!) ** 2
  let trace = 0
  for (let i = 0; i < dim; i++) trace += covA[i * dim + i]! + covB[i * dim + i]!
  const sqrtA = psdSqrt(covA, dim)
  const inner = matmul(matmul(sqrtA, covB, dim), sqrtA, dim)
  const { values } = symmetricEigen(inner, dim)
  let traceSqrt = 0
  for (const v of values) traceSqrt += Math.sqrt(Math.max(v, 0))
  return meanTerm + trace - 2 * traceSqrt
}

/** Sample mean and (unbiased) covariance of `count` rows of length `dim`. */
export function meanAndCovariance(x: Float32Array, count: number, dim: number): [Float64Array, Float64Array] {
  if (count < 2)
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `need at least 2 samples for a covariance, got ${describeValue(count)}: pass 2 or more images.`,
    )
  const mu = new Float64Array(dim)
  for (let n = 0; n < count; n++) for (let i = 0; i < dim; i++) mu[i]! += x[n * dim + i]!
  for (let i = 0; i < dim; i++) mu[i]! /= count
  const cov = new Float64Array(dim * dim)
  const centred = new Float64Array(dim)
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < dim; i++) centred[i] = x[n * dim + i]! - mu[i]!
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!
      if (ci === 0) continue
      for (let j = i; j < dim; j++) cov[i * dim + j]! += ci * centred[j]!
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i * dim + j]! / (count - 1)
      cov[i * dim + j] = v
      cov[j * dim + i] = v
    }
  }
  return [mu, cov]
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!
      if (aik === 0) continue
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!
    }
  }
  return out
}

/** Square root of a symmetric PSD matrix: V·diag(√λ)·Vᵀ, negative round-off eigenvalues clamped to 0. */
export function psdSqrt(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n)
  const out = new Float64Array(n * n)
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0))
    if (s === 0) continue
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k]! * s
      for (let j = 0; j < n; j++) out[i * n + j]! += vik * vectors[j * n + k]!
    }
  }
  return out
}

/** Cyclic Jacobi eigendecomposition of a symmetric matrix; eigenvectors are the columns of `vectors`. */
export function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input)
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let diag = 0
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!
        if (apq === 0) continue
        const app = a[p * n + p]!
        const aqq = a[q * n + q]!
        const theta = (aqq - app) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!
          const akq = a[k * n + q]!
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!
          const aqk = a[q * n + k]!
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!
          const vkq = v[k * n + q]!
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!
  return { values, vectors: v }
}
