import type { NumberOption, TrainOptions } from './options.js'

/** The numeric flags and the option each sets. */
export const NUMBER_FLAGS = {
  steps: 'steps',
  'batch-size': 'batchSize',
  lr: 'learningRate',
  'd-lr': 'discriminatorLearningRate',
  'lr-decay-steps': 'learningRateDecaySteps',
  beta1: 'beta1',
  'latent-size': 'latentSize',
  'kernel-size': 'kernelSize',
  'output-filters': 'outputFilters',
  'discriminator-input-filters': 'discriminatorInputFilters',
  ema: 'emaDecay',
  'standing-stats': 'standingStats',
  'class-loss': 'classLoss',
  lecam: 'lecam',
  reconstruction: 'reconstruction',
  'top-k': 'topK',
  'blur-steps': 'blurSteps',
  'feature-upsampling': 'featureUpsampling',
  seed: 'seed',
  'sample-every': 'sampleEvery',
  'checkpoint-every': 'checkpointEvery',
  'keep-checkpoints': 'keepCheckpoints',
  'log-every': 'logEvery',
} as const satisfies Record<string, NumberOption>
export type NumberFlag = keyof typeof NUMBER_FLAGS

/** The flag that sets each option (other than the dataset and the run directory), for messages in the command line's terms. */
export const FLAG_OF: Partial<Record<keyof TrainOptions, string>> = {
  ...Object.fromEntries(Object.entries(NUMBER_FLAGS).map(([flag, key]) => [key, flag])),
  size: 'size',
  channels: 'channels',
  fit: 'fit',
  conditional: 'conditional',
  labelConditioning: 'label-conditioning',
  upsampling: 'upsampling',
  generatorBlocks: 'generator-blocks',
  generatorPadding: 'generator-padding',
  loss: 'loss',
  augment: 'augment',
  mirror: 'mirror',
  spectralNorm: 'spectral-norm',
  spectralNormProjection: 'spectral-norm-projection',
  pretrainedFeatures: 'pretrained-features',
  featureJudge: 'feature-judge',
  generatorFilters: 'generator-filters',
  discriminatorFilters: 'discriminator-filters',
  backend: 'backend',
  fastKernels: 'no-fast-kernels',
  workers: 'workers',
  name: 'name',
  license: 'license',
  initFrom: 'init-from',
  initStep: 'init-step',
}

/** The gan-train flag that sets `key`, for train()'s messages in the command line's terms. */
export function flagOf(key: keyof TrainOptions): string {
  const flag = FLAG_OF[key]
  if (flag === undefined) throw new Error(`${key} has no gan-train flag`)
  return flag
}
