import type { io } from '@tensorflow/tfjs-core'
import type { GraphIo } from '../convert/onnx-graph.js'
import { ParityError } from '../errors.js'
import { runOnnx } from './run-onnx.js'
import { runTfjs } from './run-tfjs.js'
import type { VerificationInputs } from './verification-inputs.js'

/** What verification needs of the converted model: its output, and how the TF.js model's inputs map to the graph's. */
export interface VerifyTarget {
  output: GraphIo
  tfjsInputs: ReadonlyArray<{ name: string; dtype: string }>
}

/**
 * Run the ONNX model in onnxruntime-node and the original in TF.js on the same fixed inputs; return
 * max |ONNX − TF.js| over every output value. ONNX runs twice, on every row and on the first row
 * alone, so a graph that only works at one batch size fails too. Throws {@link ParityError}
 * (ERR_PARITY) above `tolerance`, on a shape mismatch or on non-finite output, and ERR_VERIFY when
 * either runtime cannot run its model.
 */
export async function verifyParity(
  artifacts: io.ModelArtifacts,
  onnx: Uint8Array,
  target: VerifyTarget,
  inputs: VerificationInputs,
  tolerance: number,
): Promise<number> {
  const [fromOnnx, firstFromOnnx] = await runOnnx(onnx, inputs, target.output.name, [inputs.rows, 1])
  const fromTfjs = await runTfjs(artifacts, inputs, target.tfjsInputs)
  const perRow = target.output.dims.reduce((a, b) => a * b, 1)
  const { rows } = inputs
  if (fromOnnx!.length !== fromTfjs.length || fromOnnx!.length !== rows * perRow || firstFromOnnx!.length !== perRow) {
    const mismatch = `for ${rows} rows ONNX Runtime returned ${fromOnnx!.length} values (${firstFromOnnx!.length} for 1) and TF.js ${fromTfjs.length}, expected ${rows} × ${perRow}`
    throw new ParityError(Infinity, tolerance, mismatch)
  }
  if (!fromTfjs.every(Number.isFinite)) {
    throw new ParityError(
      NaN,
      tolerance,
      'TF.js itself outputs NaN or ±Infinity for the verification inputs',
      'The model is broken, not its conversion: its weights or activations overflow. Retrain from an earlier checkpoint.',
    )
  }
  const max = Math.max(maxAbsDiff(fromOnnx!, fromTfjs), maxAbsDiff(firstFromOnnx!, fromTfjs.subarray(0, perRow)))
  if (!(max <= tolerance))
    throw new ParityError(max, tolerance, Number.isNaN(max) ? 'ONNX Runtime outputs NaN or ±Infinity where TF.js does not' : undefined)
  return max
}

/** NaN when any value is not finite on either side: a model that emits NaN is never "close". */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    if (!Number.isFinite(d)) return NaN
    if (d > max) max = d
  }
  return max
}
