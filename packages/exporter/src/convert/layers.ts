import { ExportError } from '../errors.js'
import type { LayerSpec } from '../read/topology.js'
import { conv2d, conv2dTranspose, cropping2d, depthwiseConv2d, reflectionPadding2d, upSampling2d, zeroPadding2d } from './conv-layers.js'
import type { Converter } from './converter.js'
import { activation, batchNormalization, dense, elu, identity, leakyRelu, relu, thresholdedRelu } from './core-layers.js'
import { embedding } from './embedding.js'
import { featureInput, gain } from './feature-layers.js'
import { add, average, concatenate, dot, maximum, minimum, multiply } from './merge-layers.js'
import { flatten, globalAveragePooling2d, reshape } from './reshape-layers.js'
import { spectralNormalization } from './spectral-normalization.js'

const CONVERTERS: Record<string, Converter> = {
  InputLayer: identity,
  Dense: dense,
  BatchNormalization: batchNormalization,
  LeakyReLU: leakyRelu,
  ReLU: relu,
  ELU: elu,
  ThresholdedReLU: thresholdedRelu,
  Activation: activation,
  Reshape: reshape,
  Flatten: flatten,
  GlobalAveragePooling2D: globalAveragePooling2d,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  Conv2DTranspose: conv2dTranspose,
  UpSampling2D: upSampling2d,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  ReflectionPadding2D: reflectionPadding2d,
  Embedding: embedding,
  Concatenate: concatenate,
  Add: add,
  Multiply: multiply,
  Average: average,
  Maximum: maximum,
  Minimum: minimum,
  Dot: dot,
  SpectralNormalization: spectralNormalization,
  // The trainer's feature judge (--pretrained-features).
  FeatureInput: featureInput,
  Gain: gain,
  // Regularisers that are the identity at inference.
  Dropout: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
}

/** Keras layer classes that convert. */
export const SUPPORTED_LAYERS: readonly string[] = Object.keys(CONVERTERS)

export function converterFor(layer: LayerSpec): Converter {
  const convert = CONVERTERS[layer.className]
  if (convert === undefined) {
    throw new ExportError(
      'ERR_UNSUPPORTED_LAYER',
      `layer "${layer.name}" is a ${layer.className}, which has no ONNX conversion. Supported layers: ${SUPPORTED_LAYERS.join(', ')}.`,
    )
  }
  return convert
}
