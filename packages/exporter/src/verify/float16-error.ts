import { runOnnx } from './run-onnx.js'
import type { VerificationInputs } from './verification-inputs.js'
import { maxAbsDiff } from './verify.js'

/** How far the float16-weight model's outputs are from the float32 model's. */
export interface Float16Error {
  maxAbsDiff: number
  /** In 8-bit pixel levels (the SDK's byte rule over `range`); absent without a range (discriminators). */
  maxByteDiff?: number
}

/**
 * Run both models in ONNX Runtime on the verification inputs and measure the largest difference of
 * their outputs, also as the largest difference of the bytes the SDK would make of them:
 * byte = clamp(floor((x − min)·255/(max − min) + 0.5), 0, 255).
 */
export async function float16Error(
  float32: Uint8Array,
  float16: Uint8Array,
  inputs: VerificationInputs,
  output: string,
  range?: readonly [number, number],
): Promise<Float16Error> {
  const [[a], [b]] = await Promise.all([runOnnx(float32, inputs, output, [inputs.rows]), runOnnx(float16, inputs, output, [inputs.rows])])
  const result: Float16Error = { maxAbsDiff: maxAbsDiff(a!, b!) }
  if (range !== undefined) {
    const [min, max] = range
    const byte = (x: number) => Math.min(255, Math.max(0, Math.floor(((x - min) * 255) / (max - min) + 0.5)))
    result.maxByteDiff = a!.reduce((m, x, i) => Math.max(m, Math.abs(byte(x) - byte(b![i]!))), 0)
  }
  return result
}
