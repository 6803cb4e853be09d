import { describe, expect, it } from 'vitest'
import { resolveTrainOptions } from './options.js'

describe('resolveTrainOptions', () => {
  it('fills documented defaults', () => {
    const o = resolveTrainOptions({ outDir: 'runs/x' })
    expect(o).toMatchObject({
      dataset: 'mnist',
      steps: 3000,
      batchSize: 64,
      learningRate: 2e-4,
      beta1: 0.5,
      backend: 'auto',
      fastKernels: true,
    })
    expect(o.model).toEqual({ latentSize: 100, generatorFilters: [128, 64], discriminatorFilters: [64, 128], kernelSize: 4, seed: 1 })
  })

  it('does not mutate the caller object', () => {
    const input = Object.freeze({ outDir: 'runs/x', steps: 10, generatorFilters: Object.freeze([32, 16]) })
    const o = resolveTrainOptions(input)
    expect(o.model.generatorFilters).not.toBe(input.generatorFilters)
    expect(input).toEqual({ outDir: 'runs/x', steps: 10, generatorFilters: [32, 16] })
  })

  it.each([
    [{ steps: 0 }, /steps must be an integer ≥ 1, got 0\./],
    [{ batchSize: 2.5 }, /batchSize must be an integer ≥ 1, got 2\.5\./],
    [{ steps: '10' }, /steps must be an integer ≥ 1, got "10"\./],
    [{ learningRate: -1 }, /learningRate must be a number in \(0, 1\), got -1\./],
    [{ emaDecay: 1 }, /emaDecay must be a number in \[0, 1\), got 1\./],
    [{ generatorFilters: [] }, /generatorFilters must be a non-empty list of positive integers, e\.g\. \[128, 64\], got \[\]\./],
    [{ dataset: 'cifar' }, /dataset "cifar" is not built in\. Use one of: mnist/],
    [{ name: '' }, /name must be a non-empty string such as "mnist-dcgan", or left out, got ""\./],
  ])('rejects %j as ERR_INVALID_OPTION with a message that says what is valid', (bad, message) => {
    const run = () => resolveTrainOptions({ outDir: 'x', ...(bad as object) })
    expect(run).toThrow(message)
    expect(run).toThrow(expect.objectContaining({ name: 'TrainError', code: 'ERR_INVALID_OPTION' }))
  })

  it('rejects an in-memory dataset whose fields disagree as ERR_DATASET', () => {
    const dataset = {
      name: 'dots',
      width: 4,
      height: 4,
      channels: 1 as const,
      pixels: new Float32Array(15),
      labels: new Uint8Array(1),
      classNames: ['dot'],
      count: 1,
      license: 'CC0-1.0',
    }
    const run = () => resolveTrainOptions({ outDir: 'x', dataset })
    expect(run).toThrow('[gan-train] dataset "dots": pixels is 15 floats, but count × height × width × channels = 16')
    expect(run).toThrow(expect.objectContaining({ name: 'TrainError', code: 'ERR_DATASET' }))
    expect(() => resolveTrainOptions({ outDir: 'x', dataset: { ...dataset, pixels: new Float32Array(16) } })).not.toThrow()
  })

  it('requires outDir', () => {
    expect(() => resolveTrainOptions({} as never)).toThrow(/outDir is required/)
  })
})
