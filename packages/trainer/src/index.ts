export { train, type TrainResult } from './train.js'
export {
  resolveTrainOptions,
  BUILTIN_DATASETS,
  TRAIN_DEFAULTS,
  type TrainOptions,
  type ResolvedTrainOptions,
  type BuiltinDataset,
} from './options.js'
export { AUGMENT_POLICIES, type AugmentPolicy } from './augment/diff-augment.js'
export { LOSS_NAMES, type LossName } from './losses.js'
export { IMAGE_SIZES, type ImageSize } from './models/architecture.js'
export { SpectralNormalization } from './models/spectral-norm.js'
export { ReflectionPadding2D } from './models/reflection-padding.js'
export type { Fit } from './data/decode-image.js'
export type { SkippedImage } from './data/decode-images.js'
export type { TrainEvent } from './events.js'
export { TrainError, isTrainError, TRAIN_ERROR_CODES, type TrainErrorCode } from './errors.js'
export { selectBackend, type BackendName, type BackendPreference } from './backend/ladder.js'
export {
  buildGenerator,
  buildDiscriminator,
  LABEL_INPUT,
  type DcganConfig,
  type LabelConditioning,
  type Upsampling,
  type GeneratorBlocks,
  type GeneratorPadding,
} from './models/dcgan.js'
export { setStandingStats, type StandingStatsOptions } from './models/standing-stats.js'
export { loadMnist, MNIST_TEST_FRACTION, type MnistSplit } from './data/mnist.js'
export { EMOJI_CREDIT, EMOJI_LICENSE, EMOJI_TEST_EVERY, type EmojiSplit } from './data/emoji.js'
export { subset, pixelsAsFloats, type ImageDataset } from './data/dataset.js'
export { loadImages, type DatasetSplit } from './data/load-dataset.js'
export type { ImageShape } from './data/decode-image.js'
export { saveLayersModel, loadLayersModel } from './io/layers-model-io.js'
export { readRunManifest } from './run-manifest.js'
export { readRunConfig, RUN_CONFIG_FILE, type RunConfig } from './run-config.js'
export { readMetrics, METRICS_FILE, type MetricsLine } from './metrics.js'
export { RUN_MANIFEST_FILE, type RunManifest } from 'gan-sdk/core'
export { renderGrid } from './render-grid.js'
export { trainClassifier, buildClassifier, classify, FEATURE_LAYER, type ClassifierOptions } from './eval/classifier.js'
export { SampleScorer, accuracy, type SampleScore } from './eval/score.js'
export { frechetDistance } from './eval/frechet.js'
export { evaluate, type EvaluateOptions, type Evaluation } from './eval/evaluate.js'
export type { LogitSummary } from './eval/discriminator-view.js'
export { precisionRecall } from './eval/precision-recall.js'
export { colourfulness, pixelFeatures, pixelPairContrast, strongEdgeShare } from './eval/pixel-features.js'
export { slicedWasserstein, type ImageSet, type SlicedWassersteinOptions, type SlicedWassersteinLevel } from './eval/sliced-wasserstein.js'
