import { describe, expect, it } from 'vitest'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, discriminator, randomize, spectralNorm, tf, tfl } from '../testing/fixtures.js'
import { spectralNorm as sigmaOf } from './spectral-normalization.js'

describe('SpectralNormalization folding', () => {
  it('σ of a rank-1 kernel is exact after one power iteration: |a|·|b| for W = a bᵀ', () => {
    const a = [3, -4] // out = 2, |a| = 5
    const b = [1, 2, 2] // rest = 3, |b| = 3
    // Row-major with `out` last: kernel[j·out + o] = W[o][j] = a[o]·b[j].
    const kernel = Float32Array.from(b.flatMap((bj) => a.map((ao) => ao * bj)))
    expect(sigmaOf(kernel, 2, Float32Array.of(0.3, 0.9))).toBeCloseTo(15, 5)
    // Scaling u changes nothing; only its direction matters.
    expect(sigmaOf(kernel, 2, Float32Array.of(3, 9))).toBeCloseTo(15, 5)
  })

  it('folds W/σ into Dense and Conv2D kernels, matching the wrapper’s forward pass in TF.js', async () => {
    const m = tfl.sequential()
    m.add(spectralNorm(tfl.layers.dense({ units: 4 * 4 * 3 }), [6]))
    m.add(tfl.layers.reshape({ targetShape: [4, 4, 3] }))
    m.add(spectralNorm(tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' })))
    m.add(spectralNorm(tfl.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, padding: 'valid', useBias: false })))
    const result = await exportOnnx(await artifactsOf(randomize(m, 31)), { range: [-1, 1] })
    expect(result.maxAbsDiff).toBeLessThan(1e-5)
  })

  it('reads weights stored as <wrapper>/<wrapped>/<name> too', async () => {
    const artifacts = await artifactsOf(randomize(discriminator({ size: 4, channels: 1, filters: [2], spectral: true }), 32))
    const inner = (
      artifacts.modelTopology as {
        config: { layers: Array<{ class_name: string; name: string; config: { layer?: { config: { name: string } } } }> }
      }
    ).config.layers
    const renamed = artifacts.weightSpecs!.map((spec) => {
      const wrapper = inner.find((l) => spec.name.startsWith(`${l.name}/`) && l.class_name === 'SpectralNormalization')
      return wrapper === undefined
        ? spec
        : { ...spec, name: spec.name.replace(`${wrapper.name}/`, `${wrapper.name}/${wrapper.config.layer!.config.name}/`) }
    })
    expect(renamed.map((s) => s.name)).not.toEqual(artifacts.weightSpecs!.map((s) => s.name))
    const options = { role: 'discriminator', range: [-1, 1], verify: false } as const
    const [a, b] = await Promise.all([exportOnnx(artifacts, options), exportOnnx({ ...artifacts, weightSpecs: renamed }, options)])
    expect(b.bytes).toEqual(a.bytes)
  })

  it('a zero kernel (σ = 0) is ERR_INVALID_WEIGHTS; a wrapped Conv2DTranspose is ERR_UNSUPPORTED_CONFIG', async () => {
    const m = tfl.sequential()
    m.add(spectralNorm(tfl.layers.dense({ units: 4 }), [3]))
    m.add(tfl.layers.reshape({ targetShape: [2, 2, 1] }))
    m.layers[0]!.setWeights(m.layers[0]!.getWeights().map((w) => tf.zerosLike(w)))
    await expect(exportOnnx(await artifactsOf(m), { range: [-1, 1] })).rejects.toMatchObject({
      code: 'ERR_INVALID_WEIGHTS',
      message: expect.stringMatching(/SpectralNormalization layer ".*" has σ = 0 from its kernel and u/),
    })
    const artifacts = await artifactsOf(m)
    const layers = (artifacts.modelTopology as { config: { layers: Array<{ config: { layer: { class_name: string } } }> } }).config.layers
    layers[0]!.config.layer.class_name = 'Conv2DTranspose'
    await expect(exportOnnx(artifacts, { range: [-1, 1] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CONFIG',
      message: expect.stringMatching(/wraps a Conv2DTranspose; SpectralNormalization converts around Dense or Conv2D/),
    })
  })
})
