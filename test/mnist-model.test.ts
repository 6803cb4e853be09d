import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BUNDLED_MODEL_URL } from 'gan-sdk'
import { QUALITY_BAR, scoreModel } from '../models/mnist/score.mjs'

// The shipped model, re-scored from scratch on every CI run by the committed evaluator: the model
// card's numbers are what a fresh clone measures, and the model stays above its quality bar (models/mnist/score.mjs).
describe('the bundled MNIST model', () => {
  it('clears the quality bar, with the scores its model card reports', async () => {
    const { report } = await scoreModel(fileURLToPath(BUNDLED_MODEL_URL))
    const card = JSON.parse(await readFile(new URL('../models/mnist/eval.json', import.meta.url), 'utf8')) as typeof report

    // The evaluator is the one the card was scored with, and it still recognises real digits.
    expect(report.classifier.weightsSha256).toBe(card.classifier.weightsSha256)
    expect(report.classifier.heldOutAccuracy).toBeGreaterThanOrEqual(QUALITY_BAR.classifierHeldOutAccuracy)

    expect(report.generated.meanConfidence).toBeGreaterThanOrEqual(QUALITY_BAR.meanConfidence)
    expect(report.generated.minClassShare).toBeGreaterThanOrEqual(QUALITY_BAR.minClassShare)
    expect(report.generated.histogram).toHaveLength(10)

    // Same weights, same images: a fresh run lands on the card's numbers, up to float reassociation
    // in the wasm kernels on other CPUs (a prediction may flip at a near-tie, so counts move by ±1).
    expect(report.classifier.heldOutAccuracy).toBeCloseTo(card.classifier.heldOutAccuracy, 3)
    expect(report.generated.meanConfidence).toBeCloseTo(card.generated.meanConfidence, 3)
    report.generated.histogram.forEach((n, k) => expect(Math.abs(n - card.generated.histogram[k]!)).toBeLessThanOrEqual(1))
    expect(report.generated.frechetDistance).toBeCloseTo(card.generated.frechetDistance, 1)
    expect(report.realReference.frechetDistance).toBeCloseTo(card.realReference.frechetDistance, 1)
  })
})
