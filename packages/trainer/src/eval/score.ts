import type * as tfl from '@tensorflow/tfjs-layers'
import { pixelsAsFloats, type ImageDataset } from '../data/dataset.js'
import { classify } from './classifier.js'
import { frechetDistance } from './frechet.js'

/** How a generator's samples look to a classifier trained on real data. */
export interface SampleScore {
  count: number
  /** Mean over samples of the classifier's top probability. */
  meanConfidence: number
  /** Samples per predicted class. */
  histogram: number[]
  /** Smallest class share, in [0, 1]: mode collapse shows up here. */
  minClassShare: number
  /** Fréchet distance to the reference set in the classifier's feature space. */
  frechetDistance: number
}

/**
 * A classifier and a labelled set of real images, classified once: scores any number of sample sets
 * against it, and reports the classifier's accuracy on it.
 */
export class SampleScorer {
  readonly #classifier: tfl.LayersModel
  readonly #reference: ImageDataset
  readonly #features: Float32Array
  /** Fraction of the reference images the classifier labels correctly. */
  readonly referenceAccuracy: number

  constructor(classifier: tfl.LayersModel, reference: ImageDataset) {
    const { probs, classes, features } = classify(classifier, pixelsAsFloats(reference), reference.count, reference)
    this.#classifier = classifier
    this.#reference = reference
    this.#features = features
    this.referenceAccuracy = accuracyOf(probs, classes, reference)
  }

  /** Score `count` images (pixels in [0, 1], the reference's shape) against the reference. */
  score(pixels: Float32Array, count: number): SampleScore {
    const gen = classify(this.#classifier, pixels, count, this.#reference)
    return {
      count,
      ...classScores(gen.probs, gen.classes, count),
      frechetDistance: frechetDistance(gen.features, count, this.#features, this.#reference.count, gen.featureSize),
    }
  }
}

/** Fraction of `data` the classifier labels correctly. */
export function accuracy(classifier: tfl.LayersModel, data: ImageDataset): number {
  const { probs, classes } = classify(classifier, pixelsAsFloats(data), data.count, data)
  return accuracyOf(probs, classes, data)
}

/** The classifier's view of `count` images from their class probabilities (`classify`): top-class confidence and the class histogram. */
export function classScores(
  probs: Float32Array,
  classes: number,
  count: number,
): Pick<SampleScore, 'meanConfidence' | 'histogram' | 'minClassShare'> {
  const histogram = new Array<number>(classes).fill(0)
  let confidence = 0
  for (let n = 0; n < count; n++) {
    const best = argmax(probs, n, classes)
    confidence += probs[n * classes + best]!
    histogram[best]!++
  }
  return { meanConfidence: confidence / count, histogram, minClassShare: Math.min(...histogram) / count }
}

/** The share of `data` whose label is the class of highest probability (`classify`'s `probs` of it). */
export function accuracyOf(probs: Float32Array, classes: number, data: Pick<ImageDataset, 'labels' | 'count'>): number {
  let correct = 0
  for (let n = 0; n < data.count; n++) {
    if (argmax(probs, n, classes) === data.labels[n]) correct++
  }
  return correct / data.count
}

/** The class of highest probability in row `row` of `probs`. */
export function argmax(probs: Float32Array, row: number, classes: number): number {
  let best = 0
  for (let k = 1; k < classes; k++) if (probs[row * classes + k]! > probs[row * classes + best]!) best = k
  return best
}
