import { ExportError } from '../errors.js'
import type { GraphNode, OnnxGraph } from '../convert/onnx-graph.js'

/** Input slots that hold weights, per op: what float16 narrows. Shapes, scales and clip bounds stay float32. */
const WEIGHT_SLOTS: Record<string, readonly number[]> = {
  Gemm: [1, 2],
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  BatchNormalization: [1, 2, 3, 4],
  Gather: [0],
}

/** The largest finite float16. */
const FLOAT16_MAX = 65504

/** ONNX TensorProto.DataType FLOAT, the `to` of the Casts this pass adds. */
const FLOAT = 1

/**
 * Store the weights as float16 (half the bytes) and cast them back to float32 in the graph, so the
 * model's inputs, outputs and arithmetic stay float32: every runtime runs it, and ONNX Runtime folds
 * the Casts into float32 constants when it loads the model. The images change only by the weights'
 * rounding (11 significant bits). Returns the number of weights narrowed. Throws ERR_INVALID_WEIGHTS
 * for a weight beyond ±65504, which float16 cannot hold.
 */
export function toFloat16Weights(graph: OnnxGraph): number {
  const casts: GraphNode[] = []
  for (const init of [...graph.initializers.values()]) {
    if (init.type !== 'float') continue
    const readers = graph.nodes.flatMap((n) => n.inputs.flatMap((t, slot) => (t === init.name ? [{ node: n, slot }] : [])))
    if (readers.length === 0 || !readers.every(({ node, slot }) => WEIGHT_SLOTS[node.opType]?.includes(slot))) continue
    const largest = init.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
    if (largest > FLOAT16_MAX) {
      throw new ExportError(
        'ERR_INVALID_WEIGHTS',
        `weight ${init.name} holds values up to ${largest}, beyond float16's range (±${FLOAT16_MAX}); export it in float32 (without fp16).`,
      )
    }
    graph.initializers.set(init.name, {
      name: init.name,
      dims: init.dims,
      type: 'float16',
      data: Uint16Array.from(init.data, toFloat16Bits),
    })
    const float32 = graph.uniqueName(`${init.name}/float32`)
    casts.push({
      opType: 'Cast',
      name: graph.uniqueName(`${init.name}/Cast_node`),
      inputs: [init.name],
      outputs: [float32],
      attributes: { to: FLOAT },
    })
    for (const { node, slot } of readers) node.inputs[slot] = float32
  }
  graph.nodes = [...casts, ...graph.nodes]
  return casts.length
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** IEEE 754 binary16 bits of `x` (as float32), rounded to nearest, ties to even; overflow gives ±Infinity. */
export function toFloat16Bits(x: number): number {
  f32[0] = x
  const bits = u32[0]!
  const sign = (bits >>> 16) & 0x8000
  const exponent = (bits >>> 23) & 0xff
  const mantissa = bits & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0)
  const e = exponent - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    // Subnormal (or zero) in float16: value / 2^-24, rounded.
    if (e < -10) return sign
    const shift = 14 - e
    return sign | roundShift(mantissa | 0x800000, shift)
  }
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  return sign | ((e << 10) + roundShift(mantissa, 13))
}

/** `value >> shift`, rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift
  const rest = value & ((1 << shift) - 1)
  const half = 1 << (shift - 1)
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept
}
