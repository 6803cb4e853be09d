import { describe, expect, it } from 'vitest'
import { checkBatchSize, stepBytesPerImage } from './batch-size.js'

const reference = { width: 28, height: 28, channels: 1 as const, generatorFilters: [128, 64], discriminatorFilters: [64, 128] }

describe('checkBatchSize', () => {
  it('accepts the usual batches, refuses one larger than the dataset or than memory, saying the largest that fits', () => {
    expect(() => checkBatchSize(64, 8000, reference, 'auto')).not.toThrow()
    expect(() => checkBatchSize(100_000, 8000, reference, 'auto')).toThrow(
      '[gan-train] a batch of 100000 images is larger than the dataset (8000 images): pass a batch size of at most 8000 (--batch-size 8000, or batchSize: 8000).',
    )
    const big = {
      ...reference,
      width: 128,
      height: 128,
      channels: 3 as const,
      generatorFilters: [256, 128, 64, 32],
      discriminatorFilters: [32, 64, 128, 256],
    }
    // A full-resolution output convolution's feature maps count too.
    expect(stepBytesPerImage({ ...big, outputFilters: 32 })).toBe(stepBytesPerImage(big) + 4 * 2 * 2 * 3 * 128 * 128 * 32)
    // Nearest upsampling holds each stage's input again at twice the size: 256 maps at 16², 128 at 32², 64 at 64², 32 at 128².
    const upsampled = 256 * 16 * 16 + 128 * 32 * 32 + 64 * 64 * 64 + 32 * 128 * 128
    expect(stepBytesPerImage({ ...big, upsampling: 'nearest' })).toBe(stepBytesPerImage(big) + 4 * 2 * 2 * upsampled)
    // So do the maps of a full-resolution input convolution in the discriminator (three passes, conv and activation).
    expect(stepBytesPerImage({ ...big, inputFilters: 32 })).toBe(stepBytesPerImage(big) + 4 * 2 * 3 * 2 * 128 * 128 * 32)
    // A reconstruction decoder's maps count once (real images only): per stage the upsampled input,
    // the conv and its activation, with 64, 32, 16 and 8 filters from 16² up, then the image and its tanh.
    const decoder = 16 * 16 * (256 + 2 * 64) + 32 * 32 * (64 + 2 * 32) + 64 * 64 * (32 + 2 * 16) + 128 * 128 * (16 + 2 * 8)
    expect(stepBytesPerImage({ ...big, decoder: true })).toBe(stepBytesPerImage(big) + 4 * 2 * (decoder + 2 * 128 * 128 * 3))
    // A residual generator: the dense layer's 256 maps at 8², then per block (256→128 at 16², 128→64
    // at 32², 64→32 at 64², 32→32 at 128²) the input's BN and activation at the lower resolution and,
    // at the higher, the shortcut's upsampled input (the main path's too when nearest), and six maps
    // of the block's width (upsampling conv, BN, activation, 3×3 conv, shortcut conv, sum); then BN,
    // activation, conv and tanh at 128².
    const sizes: Array<[inputs: number, filters: number, side: number]> = [
      [256, 128, 8],
      [128, 64, 16],
      [64, 32, 32],
      [32, 32, 64],
    ]
    const blocks = (inputCopies: number) =>
      sizes.reduce(
        (sum, [inputs, filters, side]) => sum + side * side * 2 * inputs + 4 * side * side * (inputCopies * inputs + 6 * filters),
        0,
      )
    const residual = (inputCopies: number) => 8 * 8 * 256 + blocks(inputCopies) + 2 * 128 * 128 * (32 + 3)
    const plain = 3 * (8 * 8 * 256 + 16 * 16 * 128 + 32 * 32 * 64 + 64 * 64 * 32) + 2 * 128 * 128 * 3
    expect(stepBytesPerImage({ ...big, generatorBlocks: 'residual' })).toBe(stepBytesPerImage(big) + 4 * 2 * 2 * (residual(1) - plain))
    expect(stepBytesPerImage({ ...big, generatorBlocks: 'residual', upsampling: 'nearest' })).toBe(
      stepBytesPerImage(big) + 4 * 2 * 2 * (residual(2) - plain),
    )
    // Reflection padding holds each padded convolution's input again, and a transposed one's output
    // before cropping: plain, transposed, the four upsamplings (256→128 at 8², …, 32→3 at 64²).
    const transposedPads = [
      [256, 128, 8],
      [128, 64, 16],
      [64, 32, 32],
      [32, 3, 64],
    ].reduce((sum, [inputs, filters, side]) => sum + side! * side! * (inputs! + 4 * filters!), 0)
    expect(stepBytesPerImage({ ...big, generatorPadding: 'reflect' })).toBe(stepBytesPerImage(big) + 4 * 2 * 2 * transposedPads)
    // Residual, nearest: each block's upsampled input and its 3×3 convolution's input, then the output convolution's.
    const nearestPads = sizes.reduce((sum, [inputs, filters, side]) => sum + 4 * side * side * (inputs + filters), 0) + 128 * 128 * 32
    const residualNearest = { ...big, generatorBlocks: 'residual', upsampling: 'nearest' } as const
    expect(stepBytesPerImage({ ...residualNearest, generatorPadding: 'reflect' })).toBe(
      stepBytesPerImage(residualNearest) + 4 * 2 * 2 * nearestPads,
    )
    const fits = Math.floor((3 * 2 ** 30) / stepBytesPerImage(big))
    expect(() => checkBatchSize(fits, 100_000, big, 'wasm')).not.toThrow()
    expect(() => checkBatchSize(fits + 1, 100_000, big, 'wasm')).toThrow(
      new RegExp(
        `needs about .* GB per step at 128×128×3, more than the 3\\.0 GB the wasm backend can address: pass a batch size of at most ${fits} \\(--batch-size ${fits}, or batchSize: ${fits}\\)\\.$`,
      ),
    )
  })
})
