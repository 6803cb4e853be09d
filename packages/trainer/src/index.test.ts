import { describe, expect, it } from 'vitest'

describe('@gan-sdk/trainer', () => {
  it('exports exactly the public API', async () => {
    const api = await import('./index.js')
    expect(Object.keys(api).sort()).toEqual([
      'BUILTIN_DATASETS',
      'FEATURE_LAYER',
      'MNIST_TEST_FRACTION',
      'RUN_MANIFEST_FILE',
      'SampleScorer',
      'TRAIN_ERROR_CODES',
      'TrainError',
      'accuracy',
      'buildClassifier',
      'buildDiscriminator',
      'buildGenerator',
      'classify',
      'frechetDistance',
      'isTrainError',
      'loadLayersModel',
      'loadMnist',
      'readRunManifest',
      'renderGrid',
      'resolveTrainOptions',
      'saveLayersModel',
      'selectBackend',
      'subset',
      'train',
      'trainClassifier',
    ])
  })
})
