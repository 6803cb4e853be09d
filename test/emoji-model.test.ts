import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BUNDLED_MODELS, Generator } from 'gan-sdk'
import { QUALITY_BAR, scoreModel } from '../models/emoji/score.mjs'

// The shipped emoji model, re-scored from scratch on every CI run on 10,000 samples against the
// held-out emoji: the model card's numbers are what a fresh clone measures, and the model stays
// above its quality bar (models/emoji/score.mjs).
describe('the bundled emoji model', () => {
  it('clears the quality bar, with the scores its model card reports', async () => {
    const report = await scoreModel(fileURLToPath(BUNDLED_MODELS.emoji))
    const card = JSON.parse(await readFile(new URL('../models/emoji/eval.json', import.meta.url), 'utf8')) as typeof report

    expect(report.featureSpace).toBe('pixel-thumbnails-8x8-rgb')
    expect(report.real).toEqual({ count: card.real.count, heldOut: true })
    const g = report.generated
    expect(g.conditional).toBe(true)
    expect(g.frechetDistance).toBeLessThanOrEqual(QUALITY_BAR.frechetDistance)
    expect(g.precision).toBeGreaterThanOrEqual(QUALITY_BAR.precision)
    expect(g.recall).toBeGreaterThanOrEqual(QUALITY_BAR.recall)
    // Crisp, neither blurred nor speckled: about as many pixels on strong edges as the real emoji have.
    const edges = g.strongEdgeShare! / report.realReference.strongEdgeShare!
    const [low, high] = QUALITY_BAR.strongEdgeRatio as [number, number]
    expect(edges).toBeGreaterThanOrEqual(low)
    expect(edges).toBeLessThanOrEqual(high)
    // Not washed out: nearly the real emoji's colourfulness.
    expect(g.colourfulness! / report.realReference.colourfulness!).toBeGreaterThanOrEqual(QUALITY_BAR.colourfulnessRatio)
    // No pixel-pair pattern from a stride-2 upsampling (speckle the edge share would count as edges).
    expect(g.pixelPairContrast).toBeLessThanOrEqual(QUALITY_BAR.pixelPairContrast)

    // Same weights, same images: a fresh run lands on the card's numbers, up to float reassociation.
    expect(g.frechetDistance).toBeCloseTo(card.generated.frechetDistance, 2)
    expect(g.precision).toBeCloseTo(card.generated.precision, 2)
    expect(g.recall).toBeCloseTo(card.generated.recall, 2)
    expect(g.strongEdgeShare).toBeCloseTo(card.generated.strongEdgeShare!, 3)
    expect(report.realReference.frechetDistance).toBeCloseTo(card.realReference.frechetDistance, 2)
    expect(report.realReference.strongEdgeShare).toBeCloseTo(card.realReference.strongEdgeShare!, 3)
    expect(g.colourfulness).toBeCloseTo(card.generated.colourfulness!, 1)
    expect(report.realReference.colourfulness).toBeCloseTo(card.realReference.colourfulness!, 1)
    expect(g.pixelPairContrast).toBeCloseTo(card.generated.pixelPairContrast!, 3)
    expect(report.realReference.pixelPairContrast).toBeCloseTo(card.realReference.pixelPairContrast!, 3)
    // The pyramid's distances, per level (finest first), under the bar and as the card's table quotes them.
    expect(g.slicedWasserstein!.map((l) => l.size)).toEqual([32, 16])
    g.slicedWasserstein!.forEach((l, i) => expect(l.distance).toBeLessThanOrEqual(QUALITY_BAR.slicedWasserstein[i]!))
    g.slicedWasserstein!.forEach((l, i) => expect(l.distance).toBeCloseTo(card.generated.slicedWasserstein![i]!.distance, 1))
    report.realReference.slicedWasserstein!.forEach((l, i) =>
      expect(l.distance).toBeCloseTo(card.realReference.slicedWasserstein![i]!.distance, 1),
    )
    // The category classifier is the one the card was scored with, and it still names real emoji's categories.
    expect(report.classifier.weightsSha256).toBe(card.classifier.weightsSha256)
    expect(report.classifier.heldOutAccuracy).toBeGreaterThanOrEqual(QUALITY_BAR.classifierHeldOutAccuracy)
    expect(report.classifier.heldOutAccuracy).toBeCloseTo(card.classifier.heldOutAccuracy, 3)
    // Samples read as the category asked for, as often as the card says.
    expect(g.labelAgreement).toBeGreaterThanOrEqual(QUALITY_BAR.labelAgreement)
    expect(g.labelAgreement).toBeCloseTo(card.generated.labelAgreement, 2)
    g.labelAgreementByClass!.forEach((a, k) => expect(a).toBeCloseTo(card.generated.labelAgreementByClass![k]!, 2))
  }, 600_000) // a hang guard, not a speed bar: about a minute alone, several times that beside a training run

  it('loads by name: 32×32 RGBA, one class per emoji category, the category asked for', async () => {
    const generator = await Generator.load('emoji')
    expect(generator.info).toMatchObject({ width: 32, height: 32, channels: 4, license: 'CC-BY-4.0' })
    // The trainer's category labels (load-dataset.test.ts pins the whole list), in its order.
    expect(generator.info.labels).toHaveLength(9)
    expect([generator.info.labels[0], generator.info.labels[3], generator.info.labels[8]]).toEqual([
      'smileys-emotion',
      'food-drink',
      'flags',
    ])
    const food = await generator.generateBatch([1, 2, 3], { label: 'food-drink' })
    const own = await generator.generateBatch([1, 2, 3])
    expect(food.map((img) => img.label)).toEqual(['food-drink', 'food-drink', 'food-drink'])
    expect(own.map((img) => img.label)).toEqual(['people-body', 'animals-nature', 'food-drink']) // seed mod 9
    expect(Buffer.compare(Buffer.from(food[2]!.data), Buffer.from(own[2]!.data))).toBe(0)
    // Emoji have transparent surroundings: the corner pixel of most samples is (nearly) transparent.
    const corners = own.concat(food).map((img) => img.data[3]!)
    expect(corners.filter((alpha) => alpha < 32).length).toBeGreaterThanOrEqual(4)
    await generator.dispose()
  })
})
