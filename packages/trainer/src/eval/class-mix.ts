import { TrainError } from '../errors.js'

/** Which class each conditional sample is generated for: each seed's own, or in the real images' proportions. */
export const CLASS_MIXES = ['seed', 'real'] as const
export type ClassMix = (typeof CLASS_MIXES)[number]

const GOLDEN = (Math.sqrt(5) - 1) / 2

/**
 * `count` class indices of the model (`modelLabels`) in the proportions of the real images' classes:
 * sample n gets the class of the real label at position ⌊frac(n · φ) · R⌋ of the R real labels
 * sorted by class (φ = (√5 − 1) / 2, the golden-ratio sequence), so that every class's share is
 * about its share of the real images in the whole run and in every prefix of it (precision and
 * recall score the first 2,000 samples). Real classes are matched to the model's labels by name; one
 * the model does not have is an error.
 */
export function classesInRealMix(
  real: { labels: ArrayLike<number>; classNames: readonly string[] },
  modelLabels: readonly string[],
  count: number,
): Int32Array {
  const toModel = real.classNames.map((name) => {
    const k = modelLabels.indexOf(name)
    if (k < 0)
      throw new TrainError(
        'ERR_INVALID_OPTION',
        `class mix 'real': the real images' class ${JSON.stringify(name)} is not one of the model's labels (${modelLabels.join(', ')}): compare with the images the model was trained on, or use class mix 'seed'.`,
      )
    return k
  })
  const sorted = Int32Array.from(real.labels, (label) => toModel[label]!).sort()
  if (sorted.length === 0) throw new TrainError('ERR_INVALID_OPTION', `class mix 'real': there are no real images to take the mix from.`)
  return Int32Array.from({ length: count }, (_, n) => sorted[Math.floor(((n * GOLDEN) % 1) * sorted.length)]!)
}
