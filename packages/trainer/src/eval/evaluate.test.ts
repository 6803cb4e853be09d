import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { loadMnist } from '../data/mnist.js'
import { train } from '../train.js'
import { evaluate } from './evaluate.js'

const MNIST_ONNX = fileURLToPath(new URL('../../../../models/mnist/mnist.onnx', import.meta.url))
const EVALUATOR = fileURLToPath(new URL('../../../../models/mnist/evaluator/', import.meta.url))
const EMOJI_ONNX = fileURLToPath(new URL('../../../../models/emoji/emoji.onnx', import.meta.url))
const EMOJI_EVALUATOR = fileURLToPath(new URL('../../../../models/emoji/evaluator/', import.meta.url))
const TINY = {
  steps: 2,
  batchSize: 8,
  latentSize: 8,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  logEvery: 1,
  sampleEvery: 2,
  checkpointEvery: 2,
  backend: 'wasm' as const,
}

describe('evaluate', () => {
  it('scores an exported digit model with the classifier: the shipped model’s card figures on its seeds', async () => {
    const r = await evaluate({ input: MNIST_ONNX, count: 100, evaluator: EVALUATOR })
    expect(r).toMatchObject({ samples: 100, image: { width: 28, height: 28, channels: 1 }, conditional: true, featureSpace: 'classifier' })
    expect(r.classifier!.histogram.reduce((a, b) => a + b, 0)).toBe(100)
    expect(r.classifier!.heldOutAccuracy).toBeCloseTo(0.9855, 4)
    expect(r.classifier!.meanConfidence).toBeGreaterThan(0.9)
    expect(r.classifier!.labelAgreement).toBeGreaterThan(0.85)
    expect(r.classifier!.labelAgreementByClass).toHaveLength(10)
    // Seeds 0–99 ask for each digit 10 times, so the overall share is the mean of the per-class ones.
    expect(r.classifier!.labelAgreementByClass!.reduce((a, b) => a + b, 0) / 10).toBeCloseTo(r.classifier!.labelAgreement!, 10)
    expect(r.frechetDistance).toBeGreaterThan(r.realFrechetDistance)
    for (const v of [r.precision, r.recall]) expect(v).toBeGreaterThanOrEqual(0)
    expect(r.truncation).toBe(1)
  })

  it('scores the samples gan-sdk draws with the truncation trick at ψ', async () => {
    const r = await evaluate({ input: MNIST_ONNX, count: 100, evaluator: EVALUATOR, truncation: 0.3 })
    expect(r.truncation).toBe(0.3)
    // Measured: this conditional model's digits at ψ 0.3 are ones the classifier is less sure of
    // (0.90 against 0.99 untruncated on 200 seeds): its projection was trained on N(0, 1) latents only.
    expect(r.classifier!.meanConfidence).toBeLessThan(0.95)
  })

  it('scores a conditional run’s checkpoint, with the share of samples the classifier gives their requested digit', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-eval-'))
    await train({ ...TINY, outDir, dataset: 'mnist', conditional: true })
    const r = await evaluate({ input: outDir, count: 20, evaluator: EVALUATOR })
    expect(r.conditional).toBe(true)
    expect(r.classifier!.labelAgreement).toBeGreaterThanOrEqual(0)
    expect(r.classifier!.labelAgreement).toBeLessThanOrEqual(1)
    expect(r.edges).toBeUndefined()
    // Its discriminator, on the 8,000 digits it trained on, the 2,000 held out and the samples.
    const { training, heldOut, samples } = r.discriminator!
    for (const s of [training, heldOut!, samples]) {
      expect(Number.isFinite(s.meanLogit)).toBe(true)
      expect(Math.abs(s.signMean)).toBeLessThanOrEqual(1)
    }
    expect(heldOut!.meanLogit).not.toBe(training.meanLogit)
    expect((await evaluate({ input: outDir, count: 20, data: 'mnist' })).discriminator).toEqual(r.discriminator)
    // An exported generator has no discriminator beside it.
    expect((await evaluate({ input: MNIST_ONNX, count: 20 })).discriminator).toBeUndefined()
    // In TF.js too, classMix 'real' draws the held-out digits' mix: 2,000 of them, each digit 8–12 %.
    const mixed = await evaluate({ input: outDir, count: 100, evaluator: EVALUATOR, classMix: 'real' })
    expect(mixed.sampleClasses!.reduce((a, b) => a + b)).toBe(100)
    expect(r.sampleClasses).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    const test = loadMnist('test')
    mixed.sampleClasses!.forEach((n, d) =>
      expect(Math.abs(n - (100 * Array.from(test.labels).filter((l) => l === d).length) / test.count)).toBeLessThanOrEqual(1),
    )
  })

  it('scores a colour run in 8×8 thumbnail features against its own folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gan-eval-folder-'))
    await mkdir(folder, { recursive: true })
    // Left half one of four colours, right half white: one hard edge, 31 pixels of the 31 × 31 that have neighbours.
    const colours = [
      [238, 51, 51],
      [51, 238, 51],
      [51, 51, 238],
      [238, 238, 51],
    ]
    const image = (rgb: number[]) => Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (Math.floor(i / 3) % 32 < 16 ? rgb[i % 3]! : 255))
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        sharp(image(colours[i % 4]!), { raw: { width: 32, height: 32, channels: 3 } })
          .png()
          .toFile(join(folder, `${i}.png`)),
      ),
    )
    const outDir = await mkdtemp(join(tmpdir(), 'gan-eval-run-'))
    await train({ ...TINY, outDir, dataset: folder, size: 32, channels: 3, checkpointEvery: 1, keepCheckpoints: 0 })
    const r = await evaluate({ input: outDir, count: 16 })
    expect(r).toMatchObject({ featureSpace: 'pixel-thumbnails-8x8-rgb', image: { width: 32, height: 32, channels: 3 } })
    expect(r.real).toEqual({ count: 16, heldOut: false }) // a folder holds nothing out: its own images
    expect(r.classifier).toBeUndefined()
    expect(Number.isFinite(r.frechetDistance)).toBe(true)
    expect(r.edges!.real).toBeCloseTo(1 / 31, 6)
    // A barely trained generator draws smooth smudges.
    expect(r.edges!.samples).toBeLessThan(r.edges!.real)
    // Half of each image one of the four colours, half white: Hasler and Süsstrunk's 1.3 · √(μ²rg + μ²yb) (σ = |μ|), averaged.
    const halfWhite = ([r, g, b]: number[]) => 1.3 * Math.hypot((r! - g!) / 2, ((r! + g!) / 2 - b!) / 2)
    expect(r.colourfulness!.real).toBeCloseTo(colours.map(halfWhite).reduce((a, b) => a + b) / 4, 3)
    // Their one edge lies between columns 15 and 16, across a pixel pair: all their change at one phase.
    expect(r.pixelPairContrast!.real).toBe(1)
    expect(r.pixelPairContrast!.samples).toBeGreaterThanOrEqual(0)
    expect(r.pixelPairContrast!.samples).toBeLessThan(1)
    // The pyramid's finest level misses the real images' one hard edge: further from them than their halves are from each other.
    expect(r.slicedWasserstein!.map((l) => l.size)).toEqual([32, 16])
    expect(r.slicedWasserstein![0]!.samples).toBeGreaterThan(2 * r.slicedWasserstein![0]!.real)
    // The checkpoint in TF.js draws from the seed contract's latents at the truncation asked for.
    const truncated = await evaluate({ input: outDir, count: 16, truncation: 0.5 })
    expect(truncated.truncation).toBe(0.5)
    expect(truncated.frechetDistance).not.toBe(r.frechetDistance)
    // An earlier checkpoint the run kept (keepCheckpoints 0: all) scores on its own weights; one it did not keep is named.
    const first = await evaluate({ input: outDir, count: 16, step: 1 })
    expect(first.step).toBe(1)
    expect(first.frechetDistance).not.toBe(r.frechetDistance)
    expect(r.step).toBe(2)
    expect((await evaluate({ input: outDir, count: 16, step: 2 })).frechetDistance).toBe(r.frechetDistance)
    await expect(evaluate({ input: outDir, count: 16, step: 1.5 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: '[gan-train] step 1.5 is invalid: pass the step of a kept checkpoint, e.g. 4000.',
    })
    await expect(evaluate({ input: outDir, count: 16, step: 3 })).rejects.toMatchObject({
      code: 'ERR_CHECKPOINT',
      message: `[gan-train] ${outDir} has no checkpoint of step 3 (it keeps 1, 2): pass one of those; to keep every checkpoint, train or resume with --keep-checkpoints 0.`,
    })
    await expect(evaluate({ input: MNIST_ONNX, count: 16, step: 1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('is an exported model: leave out the step'),
    })
    // Without its config.json (a run of an older trainer) a colour run does not say what it trained on: --data does.
    await rm(join(outDir, 'config.json'))
    await expect(evaluate({ input: outDir, count: 16 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('pass --data mnist, emoji or a folder'),
    })
    expect((await evaluate({ input: outDir, count: 16, data: folder })).frechetDistance).toBe(r.frechetDistance)
  })

  it('scores a digit model against another folder in pixel features: the digit evaluator refuses a folder without its classes', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gan-eval-grey-'))
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sharp(
          Uint8Array.from({ length: 28 * 28 }, (_, p) => ((p % 28) + i) * 8),
          { raw: { width: 28, height: 28, channels: 1 } },
        )
          .png()
          .toFile(join(folder, `${i}.png`)),
      ),
    )
    // The default evaluator (./models/mnist/evaluator, here from the repository root) is not used.
    const r = await evaluate({ input: MNIST_ONNX, count: 10, data: folder })
    expect(r).toMatchObject({ featureSpace: 'pixel-thumbnails-8x8-rgb', real: { count: 12, heldOut: false } })
    // 28×28 halves to 14, under the pyramid's 16-pixel floor: one level, the image itself.
    expect(r.slicedWasserstein!.map((l) => l.size)).toEqual([28])
    expect(r.classifier).toBeUndefined()
    await expect(evaluate({ input: MNIST_ONNX, count: 10, data: folder, evaluator: EVALUATOR })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(
        /classifies 28×28×1 images into 10 classes \(0, 1, 2, 3, …\), and the samples are 28×28×1, judged against 12 images of 1 class \(gan-eval-grey-\w+: gan-eval-grey-\w+\): pass an evaluator trainClassifier made from these images, or leave out --evaluator\.$/,
      ),
    })
  })

  it("adds the category classifier's view to an emoji model's pixel measures: the card's agreement on its seeds", async () => {
    // The default evaluator (./models/emoji/evaluator, from the repository root) is the committed one.
    const r = await evaluate({ input: EMOJI_ONNX, count: 90, data: 'emoji' })
    const given = await evaluate({ input: EMOJI_ONNX, count: 90, data: 'emoji', evaluator: EMOJI_EVALUATOR })
    expect(r).toEqual(given)
    expect(r).toMatchObject({ featureSpace: 'pixel-thumbnails-8x8-rgb', conditional: true, real: { count: 377, heldOut: true } })
    expect(r.slicedWasserstein).toHaveLength(2)
    const c = r.classifier!
    expect(c.heldOutAccuracy).toBeCloseTo(265 / 377, 6) // models/emoji/eval.json
    // Seeds 0–89 ask for each of the 9 categories 10 times; the card measures 61.6 % on 10,000 and flags at 99 %.
    expect(c.labelAgreement).toBeGreaterThan(0.4)
    expect(c.labelAgreementByClass![8]).toBeGreaterThanOrEqual(0.9)
    expect(c.meanConfidence).toBeGreaterThan(0.4)
    // The digit evaluator cannot judge emoji: refused, saying why and what to do.
    await expect(evaluate({ input: EMOJI_ONNX, count: 10, data: 'emoji', evaluator: EVALUATOR })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(
        /the evaluator in .* classifies 28×28×1 images into 10 classes \(0, 1, 2, 3, …\), and the samples are 32×32×4, judged against 377 images of 9 classes \(emoji: smileys-emotion, people-body, animals-nature, food-drink, …\): pass an evaluator trainClassifier made from these images/,
      ),
    })
    // Nor can it judge other classes of its own shape: an evaluator's classes are matched by name.
    const folder = await mkdtemp(join(tmpdir(), 'gan-eval-classes-'))
    const kinds = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']
    await Promise.all(
      kinds.map(async (kind, k) => {
        await mkdir(join(folder, kind))
        await sharp(
          Uint8Array.from({ length: 32 * 32 * 4 }, (_, p) => (p * (k + 1)) % 256),
          { raw: { width: 32, height: 32, channels: 4 } },
        )
          .png()
          .toFile(join(folder, kind, 'x.png'))
      }),
    )
    await expect(evaluate({ input: EMOJI_ONNX, count: 10, data: folder, evaluator: EMOJI_EVALUATOR })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(
        /classifies 32×32×4 images into 9 classes \(smileys-emotion, people-body, animals-nature, food-drink, …\), and the real images' classes differ: judged against 9 images of 9 classes \(gan-eval-classes-\w+: a, b, c, d, …\)/,
      ),
    })
    await rm(folder, { recursive: true })
  })

  it("classMix real generates a conditional model's samples in the real images' class proportions", async () => {
    const seedMix = await evaluate({ input: MNIST_ONNX, count: 200, evaluator: EVALUATOR })
    const realMix = await evaluate({ input: MNIST_ONNX, count: 200, evaluator: EVALUATOR, classMix: 'real' })
    expect([seedMix.classMix, realMix.classMix]).toEqual(['seed', 'real'])
    // Seeds 0–199 ask for each digit 20 times; the held-out digits' mix is uneven, and the samples follow it.
    const test = loadMnist('test')
    const share = (digit: number) => Array.from(test.labels).filter((l) => l === digit).length / test.count
    const realShares = Array.from({ length: 10 }, (_, d) => Math.round(share(d) * 200))
    expect(realShares).not.toEqual(new Array(10).fill(20))
    expect(seedMix.sampleClasses).toEqual(new Array(10).fill(20))
    realMix.sampleClasses!.forEach((n, d) => expect(Math.abs(n - realShares[d]!)).toBeLessThanOrEqual(1))
    expect(realMix.sampleClasses!.reduce((a, b) => a + b)).toBe(200)
    expect(realMix.frechetDistance).not.toBe(seedMix.frechetDistance)
    // Names are matched: digits are not emoji categories.
    await expect(evaluate({ input: MNIST_ONNX, count: 10, data: 'emoji', classMix: 'real' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(
        /the real images' class "smileys-emotion" is not one of the model's labels \(0, 1, .*class mix 'seed'/,
      ),
    })
  })

  it('refuses a bad count, truncation, class mix or data', async () => {
    await expect(evaluate({ input: MNIST_ONNX, count: 3 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
    for (const truncation of [0, 1.5, Number.NaN]) {
      await expect(evaluate({ input: MNIST_ONNX, truncation })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining('pass ψ in (0, 1]'),
      })
    }
    await expect(evaluate({ input: MNIST_ONNX, classMix: 'even' as 'real' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('classMix "even" is invalid: pass seed or real'),
    })
    // "" would name the working directory, whose images (if any) are not what was meant.
    await expect(evaluate({ input: MNIST_ONNX, data: '' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: '[gan-train] data "" is empty: use mnist, emoji, emoji-subcategories or the path of a folder of images.',
    })
  })
})
