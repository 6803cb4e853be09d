import * as tf from '@tensorflow/tfjs-core'

/** Rows a model judges at once in evaluation: small enough for any backend's memory. */
export const PREDICT_BATCH = 256

/**
 * `predict` over `count` rows in batches of {@link PREDICT_BATCH}, each batch in a tidy: its outputs'
 * values, one array per output of `rowSizes[i]` values a row, in row order.
 */
export function predictInBatches(
  count: number,
  rowSizes: readonly number[],
  predict: (start: number, rows: number) => tf.Tensor[],
): Float32Array[] {
  const values = rowSizes.map((size) => new Float32Array(count * size))
  for (let start = 0; start < count; start += PREDICT_BATCH) {
    const rows = Math.min(PREDICT_BATCH, count - start)
    const outputs = tf.tidy(() => predict(start, rows))
    outputs.forEach((output, i) => values[i]!.set(output.dataSync() as Float32Array, start * rowSizes[i]!))
    tf.dispose(outputs)
  }
  return values
}
