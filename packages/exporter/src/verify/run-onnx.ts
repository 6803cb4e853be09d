import { ExportError } from '../errors.js'
import type { VerificationInputs } from './verification-inputs.js'

/**
 * Run an ONNX model in onnxruntime-node on the first `rows` rows of `inputs` (all by default) and
 * return `output`'s values. Throws ERR_VERIFY when ONNX Runtime rejects the model.
 */
export async function runOnnx(
  onnx: Uint8Array,
  inputs: VerificationInputs,
  output: string,
  rowCounts: readonly number[],
): Promise<Float32Array[]> {
  // Loaded on demand, so importing the exporter loads no native addon and exports with verify off
  // never pay for the native runtime (test/native-addons.test.ts).
  const ort = await import('onnxruntime-node')
  try {
    const session = await ort.InferenceSession.create(onnx)
    try {
      const results: Float32Array[] = []
      for (const rows of rowCounts) {
        const feeds = Object.fromEntries(
          inputs.feeds.map((feed) => {
            const size = feed.dims.reduce((a, b) => a * b, 1)
            const values = feed.values.subarray(0, rows * size)
            const data = feed.type === 'int64' ? BigInt64Array.from(values, (v) => BigInt(v)) : Float32Array.from(values)
            return [feed.name, new ort.Tensor(feed.type === 'int64' ? 'int64' : 'float32', data, [rows, ...feed.dims])]
          }),
        )
        const result = await session.run(feeds)
        results.push(result[output]!.data as Float32Array)
      }
      return results
    } finally {
      await session.release()
    }
  } catch (err) {
    throw new ExportError(
      'ERR_VERIFY',
      `ONNX Runtime cannot run the converted model: ${(err as Error).message}. This is a converter bug: please report it with model.json.`,
      { cause: err },
    )
  }
}
