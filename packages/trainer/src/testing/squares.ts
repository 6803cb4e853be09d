import type { ImageDataset } from '../data/dataset.js'

/**
 * A tiny dataset for tests: 8×8 images of a bright 4×4 square at four positions, learnable in a
 * few steps. Grey (one class), or RGB: red squares (class 0) and blue ones (class 1) alternating.
 * Bytes, or with `floats` values in [0, 1] as a dataset built in memory may hold them.
 */
export function squares(count: number, options: { channels?: 1 | 3; floats?: boolean } = {}): ImageDataset {
  const { channels = 1, floats = false } = options
  const pixels = floats ? new Float32Array(count * 64 * channels) : new Uint8Array(count * 64 * channels)
  const on = floats ? 1 : 255
  for (let n = 0; n < count; n++) {
    const x0 = n % 4
    const channel = channels === 3 && n % 2 ? 2 : 0
    for (let y = 2; y < 6; y++) for (let x = x0; x < x0 + 4; x++) pixels[(n * 64 + y * 8 + x) * channels + channel] = on
  }
  const rgb = channels === 3
  return {
    name: 'squares',
    width: 8,
    height: 8,
    channels,
    pixels,
    labels: rgb ? Uint8Array.from({ length: count }, (_, n) => n % 2) : new Uint8Array(count),
    classNames: rgb ? ['red', 'blue'] : ['square'],
    count,
    license: 'CC0-1.0',
  }
}
