import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BUNDLED_MODEL_URL, generate, Generator } from 'gan-sdk'
import { QUALITY_BAR, scoreModel } from '../models/mnist/score.mjs'

// The shipped model, re-scored from scratch on every CI run by the committed evaluator on 10,000
// samples: the model card's numbers are what a fresh clone measures, and the model stays above its
// quality bar (models/mnist/score.mjs).
describe('the bundled MNIST model', () => {
  it('clears the quality bar, with the scores its model card reports', async () => {
    const report = await scoreModel(fileURLToPath(BUNDLED_MODEL_URL))
    const card = JSON.parse(await readFile(new URL('../models/mnist/eval.json', import.meta.url), 'utf8')) as typeof report

    // The evaluator is the one the card was scored with, and it still recognises real digits.
    expect(report.classifier.weightsSha256).toBe(card.classifier.weightsSha256)
    expect(report.classifier.heldOutAccuracy).toBeGreaterThanOrEqual(QUALITY_BAR.classifierHeldOutAccuracy)

    const g = report.generated
    expect(g.conditional).toBe(true)
    expect(g.frechetDistance).toBeLessThanOrEqual(QUALITY_BAR.frechetDistance)
    expect(g.meanConfidence).toBeGreaterThanOrEqual(QUALITY_BAR.meanConfidence)
    expect(g.labelAgreement).toBeGreaterThanOrEqual(QUALITY_BAR.labelAgreement)
    expect(g.minClassShare).toBeGreaterThanOrEqual(QUALITY_BAR.minClassShare)
    expect(g.maxClassShare).toBeLessThanOrEqual(QUALITY_BAR.maxClassShare)
    expect(g.histogram).toHaveLength(10)

    // Same weights, same images: a fresh run lands on the card's numbers, up to float reassociation
    // in the wasm kernels on other CPUs (a prediction may flip at a near-tie, so counts move a little).
    expect(report.classifier.heldOutAccuracy).toBeCloseTo(card.classifier.heldOutAccuracy, 3)
    expect(g.meanConfidence).toBeCloseTo(card.generated.meanConfidence, 3)
    expect(g.labelAgreement).toBeCloseTo(card.generated.labelAgreement!, 2)
    g.histogram.forEach((n, k) => expect(Math.abs(n - card.generated.histogram[k]!)).toBeLessThanOrEqual(5))
    expect(g.frechetDistance).toBeCloseTo(card.generated.frechetDistance, 1)
    expect(g.precision).toBeCloseTo(card.generated.precision, 2)
    expect(g.recall).toBeCloseTo(card.generated.recall, 2)
    expect(report.realReference.frechetDistance).toBeCloseTo(card.realReference.frechetDistance, 1)
  }, 180_000)

  it('is the default model, and draws the digit asked for', async () => {
    const generator = await Generator.load('mnist')
    expect(generator.info.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    const threes = await generator.generateBatch([1, 2, 3], { label: '3' })
    const own = await generator.generateBatch([1, 2, 3])
    expect(threes.map((img) => img.label)).toEqual(['3', '3', '3'])
    expect(own.map((img) => img.label)).toEqual(['1', '2', '3']) // each seed's own class: seed mod 10
    expect(Buffer.compare(Buffer.from(threes[2]!.data), Buffer.from(own[2]!.data))).toBe(0) // seed 3's own class is 3
    expect(Buffer.compare(Buffer.from(threes[0]!.data), Buffer.from(own[0]!.data))).not.toBe(0) // a 3, not seed 1's own 1
    await generator.dispose()
    expect([(await generate(42)).label, (await generate(42, { label: '3' })).label]).toEqual(['2', '3']) // the default generate() too
  })
})
