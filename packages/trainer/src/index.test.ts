import { describe, expect, it } from 'vitest'

describe('@gan-sdk/trainer', () => {
  it('exports exactly the public API', async () => {
    const api = await import('./index.js')
    expect(Object.keys(api).sort()).toEqual([
      'AUGMENT_POLICIES',
      'BUILTIN_DATASETS',
      'EMOJI_CREDIT',
      'EMOJI_LICENSE',
      'EMOJI_TEST_EVERY',
      'FEATURE_LAYER',
      'IMAGE_SIZES',
      'LABEL_INPUT',
      'LOSS_NAMES',
      'METRICS_FILE',
      'MNIST_TEST_FRACTION',
      'RUN_MANIFEST_FILE',
      'SampleScorer',
      'SpectralNormalization',
      'TRAIN_DEFAULTS',
      'TRAIN_ERROR_CODES',
      'TrainError',
      'accuracy',
      'buildClassifier',
      'buildDiscriminator',
      'buildGenerator',
      'classify',
      'evaluate',
      'frechetDistance',
      'isTrainError',
      'loadLayersModel',
      'loadMnist',
      'pixelFeatures',
      'pixelsAsFloats',
      'precisionRecall',
      'readMetrics',
      'readRunManifest',
      'renderGrid',
      'resolveTrainOptions',
      'saveLayersModel',
      'selectBackend',
      'strongEdgeShare',
      'subset',
      'train',
      'trainClassifier',
    ])
  })
})
