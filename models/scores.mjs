// What every shipped model's eval.json reports of its samples, from @gan-sdk/trainer's `evaluate`.

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
