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
    [{ steps: 0 }, /steps must be an integer ≥ 1, got 0/],
    [{ batchSize: 2.5 }, /batchSize must be an integer/],
    [{ learningRate: -1 }, /learningRate must be a number in \(0, 1\)/],
    [{ generatorFilters: [] }, /generatorFilters must be a non-empty list/],
    [{ dataset: 'cifar' }, /dataset "cifar" is not built in\. Use one of: mnist/],
  ])('rejects %j with a message that says what is valid', (bad, message) => {
    expect(() => resolveTrainOptions({ outDir: 'x', ...(bad as object) })).toThrow(message)
  })

  it('requires outDir', () => {
    expect(() => resolveTrainOptions({} as never)).toThrow(/outDir is required/)
  })
})
