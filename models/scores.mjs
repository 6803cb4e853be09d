// What every shipped model's eval.json reports of its samples, from @gan-sdk/trainer's `evaluate`,
// and the committed scoring classifiers (evaluator/) that judge them.
import { createHash } from 'node:crypto'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { saveLayersModel, selectBackend, trainClassifier } from '@gan-sdk/trainer'

/**
 * The distances of `count` samples (seeds 0 … count − 1) to the real images, as eval.json's
 * `generated` begins.
 * @param {import('@gan-sdk/trainer').Evaluation} e
 */
export function sampleScores(e) {
  return {
    seeds: `0..${e.samples - 1}`,
    conditional: e.conditional,
    frechetDistance: e.frechetDistance,
    precision: e.precision,
    recall: e.recall,
    ...(e.edges ? { strongEdgeShare: e.edges.samples } : {}),
    ...(e.colourfulness ? { colourfulness: e.colourfulness.samples } : {}),
    ...(e.pixelPairContrast ? { pixelPairContrast: e.pixelPairContrast.samples } : {}),
    ...(e.slicedWasserstein ? { slicedWasserstein: e.slicedWasserstein.map(({ size, samples }) => ({ size, distance: samples })) } : {}),
  }
}

/**
 * Train a model's evaluator (`trainClassifier`, seeded, so the same every run on one CPU class) on
 * `images` and write it to `dir`.
 * @param {import('@gan-sdk/trainer').ImageDataset} images
 * @param {string} dir
 * @param {import('@gan-sdk/trainer').ClassifierOptions} [options]
 */
export async function trainEvaluator(images, dir, options) {
  await selectBackend('auto')
  const classifier = await trainClassifier(images, options)
  await saveLayersModel(classifier, dir)
  classifier.dispose()
}

/** SHA-256 of an evaluator's weights.bin, as eval.json records it. @param {string} dir */
export async function evaluatorDigest(dir) {
  return createHash('sha256')
    .update(await readFile(join(dir, 'weights.bin')))
    .digest('hex')
}

/**
 * Refuse a missing evaluator up front, with the command that rebuilds it; evaluate's own errors
 * (a bad model, an evaluator made for other images) say what is wrong with anything else.
 * @param {string} dir
 * @param {string} rebuild the command that rebuilds it
 */
export async function checkEvaluator(dir, rebuild) {
  for (const file of ['model.json', 'weights.bin']) {
    await access(join(dir, file)).catch((/** @type {unknown} */ err) => {
      throw new Error(`the evaluator in ${dir} lacks ${file}: rebuild it with \`${rebuild}\`.`, { cause: err })
    })
  }
}
