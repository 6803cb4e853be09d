import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { TrainError } from '../errors.js'

/**
 * MobileNetV2's first stages (Sandler et al. 2018), frozen, as a feature extractor for the
 * discriminator: the stem Conv(32, 3×3, stride 2) → ReLU6, then inverted-residual blocks, each
 * Conv(1×1, expansion × its input) → ReLU6 → DepthwiseConv(3×3, stride) → ReLU6 → Conv(1×1), with
 * the input added back where the stride is 1 and the width unchanged. Batch normalisation is folded
 * into the convolutions' weights and biases (inference statistics), so the layers run the same in a
 * training step. Stride-2 depthwise convolutions pad one row and column at the bottom and right, as
 * Keras's MobileNetV2 does. Layer and weight names are Keras's, prefixed {@link MOBILENET_PREFIX}.
 */

/** The blocks after the stem: [expansion, output channels, stride], Keras's `expanded_conv` then `block_1` …. */
export const MOBILENET_V2_BLOCKS: ReadonlyArray<readonly [number, number, number]> = [
  [1, 16, 1],
  [6, 24, 2],
  [6, 24, 1],
  [6, 32, 2],
  [6, 32, 1],
  [6, 32, 1],
]

/** Prefix of the frozen layers' names in a model that holds them. */
export const MOBILENET_PREFIX = 'mobilenet_'

/** Keras's name of block `i`'s layers: `expanded_conv` for the first, `block_i` after. */
const blockName = (i: number) => (i === 0 ? 'expanded_conv' : `block_${i}`)

/**
 * The frozen prefix on `rgb` (NHWC, RGB in [0, 1], as nsfwjs's MobileNetV2 was trained on): the
 * output of each block in `taps` (indices into {@link MOBILENET_V2_BLOCKS}), in order. `weights`
 * holds each convolution's folded kernel and bias under Keras's names (`Conv1/kernel`,
 * `block_1_expand/bias`, `block_1_depthwise/depthwise_kernel`, …).
 */
export function mobileNetV2Features(rgb: tfl.SymbolicTensor, weights: tf.NamedTensorMap, taps: readonly number[]): tfl.SymbolicTensor[] {
  const last = Math.max(...taps)
  const weightsOf = (name: string, kernel = 'kernel') => {
    const values = [weights[`${name}/${kernel}`], weights[`${name}/bias`]]
    if (values.some((v) => v === undefined)) throw new Error(`MobileNetV2 weights lack ${name}/${kernel} or ${name}/bias.`)
    return values as tf.Tensor[]
  }
  const frozen = { trainable: false, useBias: true }
  const conv = (x: tfl.SymbolicTensor, name: string, filters: number, kernelSize: number, strides: number, padding: 'same' | 'valid') =>
    tfl.layers
      .conv2d({ ...frozen, name: MOBILENET_PREFIX + name, filters, kernelSize, strides, padding, weights: weightsOf(name) })
      .apply(x) as tfl.SymbolicTensor
  const depthwise = (x: tfl.SymbolicTensor, name: string, strides: number) =>
    tfl.layers
      .depthwiseConv2d({
        ...frozen,
        name: MOBILENET_PREFIX + name,
        kernelSize: 3,
        strides,
        padding: strides === 1 ? 'same' : 'valid',
        weights: weightsOf(name, 'depthwise_kernel'),
      })
      .apply(strides === 1 ? x : padBottomRight(x, name.replace(/_depthwise$/, '_pad'))) as tfl.SymbolicTensor
  const relu6 = (x: tfl.SymbolicTensor, name: string) =>
    tfl.layers.reLU({ trainable: false, maxValue: 6, name: MOBILENET_PREFIX + name }).apply(x) as tfl.SymbolicTensor

  let x = relu6(conv(padBottomRight(rgb, 'Conv1_pad'), 'Conv1', 32, 3, 2, 'valid'), 'Conv1_relu')
  const outputs: tfl.SymbolicTensor[] = []
  for (let i = 0; i <= last; i++) {
    const [expansion, filters, stride] = MOBILENET_V2_BLOCKS[i]!
    const name = blockName(i)
    const width = x.shape[3] as number
    let y = x
    if (expansion !== 1) y = relu6(conv(y, `${name}_expand`, expansion * width, 1, 1, 'same'), `${name}_expand_relu`)
    y = relu6(depthwise(y, `${name}_depthwise`, stride), `${name}_depthwise_relu`)
    y = conv(y, `${name}_project`, filters, 1, 1, 'same')
    if (stride === 1 && width === filters)
      y = tfl.layers.add({ trainable: false, name: `${MOBILENET_PREFIX}${name}_add` }).apply([x, y]) as tfl.SymbolicTensor
    x = y
    if (taps.includes(i)) outputs.push(x)
  }
  return outputs
}

/** Floats of the prefix's layer outputs for one `height`×`width` image, up to block `last` (a memory estimate). */
export function mobileNetV2Floats(height: number, width: number, last: number): number {
  // A stride-2 stage pads one row and column, then takes a valid 3×3 window every second pixel.
  const half = (n: number) => Math.floor(n / 2)
  let [h, w] = [half(height), half(width)]
  let floats = (height + 1) * (width + 1) * 3 + 2 * h * w * 32 // padded input, stem conv and ReLU6
  let channels = 32
  for (const [expansion, filters, stride] of MOBILENET_V2_BLOCKS.slice(0, last + 1)) {
    const expanded = expansion * channels
    if (expansion !== 1) floats += 2 * h * w * expanded
    if (stride === 2) {
      floats += (h + 1) * (w + 1) * expanded
      ;[h, w] = [half(h), half(w)]
    }
    floats += 2 * h * w * expanded + h * w * filters * (stride === 1 && channels === filters ? 2 : 1)
    channels = filters
  }
  return floats
}

function padBottomRight(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return tfl.layers
    .zeroPadding2d({
      trainable: false,
      name: MOBILENET_PREFIX + name,
      padding: [
        [0, 1],
        [0, 1],
      ],
    })
    .apply(x) as tfl.SymbolicTensor
}

/** The folded weights' files, extracted by scripts/extract-mobilenet.mjs, in the package's `assets/` (found by name: src, dist and bundled workers sit at different depths). */
const assets = () =>
  pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('@gan-sdk/trainer/package.json')), 'assets/mobilenet-v2/'))

/** What scripts/extract-mobilenet.mjs writes beside the weights. */
export interface MobileNetAsset {
  source: string
  license: string
  weightsSha256: string
  weightSpecs: tf.io.WeightsManifestEntry[]
  /** The original network's outputs at the tapped blocks on the script's fixed input. */
  reference: { outputs: Array<{ tap: string; shape: number[]; values: string }> }
}

/** The folded weights in `dir` (the package's), checked against their recorded digest, and what the script recorded. */
export function loadMobileNetV2(dir: URL = assets()): { weights: tf.NamedTensorMap; asset: MobileNetAsset } {
  let asset: MobileNetAsset
  let bin: Buffer
  try {
    asset = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8')) as MobileNetAsset
    bin = readFileSync(new URL('weights.bin', dir))
  } catch (err) {
    throw new TrainError(
      'ERR_BACKEND',
      `the MobileNetV2 weights of --pretrained-features are missing (${(err as Error).message}): reinstall @gan-sdk/trainer.`,
      { cause: err },
    )
  }
  if (createHash('sha256').update(bin).digest('hex') !== asset.weightsSha256) {
    throw new TrainError(
      'ERR_BACKEND',
      'the MobileNetV2 weights of --pretrained-features do not match their digest: reinstall @gan-sdk/trainer.',
    )
  }
  const weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, asset.weightSpecs)
  return { weights, asset }
}
