/** Padding modes of Keras convolutions that convert. */
export type Padding = 'same' | 'valid'

/** One spatial axis of a convolution: input size, kernel size, stride. */
export interface Axis {
  n: number
  k: number
  s: number
}

/**
 * TF's forward convolution along one axis. 'same' pads max((⌈n/s⌉ − 1)·s + k − n, 0) in total,
 * the odd pixel at the end (ONNX's SAME_UPPER, written out as explicit pads).
 */
export function convAxis({ n, k, s }: Axis, padding: Padding): { out: number; pads: [number, number] } {
  if (padding === 'valid') return { out: Math.floor((n - k) / s) + 1, pads: [0, 0] }
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0)
  return { out: Math.ceil(n / s), pads: [Math.floor(total / 2), total - Math.floor(total / 2)] }
}

/**
 * TF's transposed convolution along one axis: the gradient of a forward conv whose output is this
 * layer's input, so its size is n·s ('same') or n·s + max(k − s, 0) ('valid'). ONNX ConvTranspose
 * makes s·(n − 1) + k + output_padding − pads; the pads are the forward conv's (odd pixel at the
 * end) and output_padding covers k < s, where s·(n − 1) + k falls short of n·s. auto_pad and
 * output_shape are never used: runtimes disagree on where they put the odd pixel.
 */
export function convTransposeAxis({ n, k, s }: Axis, padding: Padding): { out: number; pads: [number, number]; outputPadding: number } {
  const out = padding === 'same' ? n * s : n * s + Math.max(k - s, 0)
  const natural = s * (n - 1) + k
  const outputPadding = Math.max(0, out - natural)
  const total = natural + outputPadding - out
  return { out, pads: [Math.floor(total / 2), total - Math.floor(total / 2)], outputPadding }
}
