import { GanError } from './errors.js'
import { METADATA_KEYS } from './model-contract.js'
import { readMetadata, type ParsedModel } from './model-info.js'

/** The fields of an ONNX `TensorProto` (as onnx-buf parses it) that the digest covers. */
export interface WeightTensor {
  name: string
  dataType: number
  dims: readonly bigint[]
  rawData: Uint8Array
  floatData: readonly number[]
  int32Data: readonly number[]
  int64Data: readonly bigint[]
  doubleData: readonly number[]
  uint64Data: readonly bigint[]
  stringData: readonly Uint8Array<ArrayBufferLike>[]
}

/**
 * `gan.weights_sha256`: SHA-256 (hex) over the graph's initializers in order, each written as its
 * name in UTF-8, a 0 byte, its data type and rank (uint32 little-endian), its dims (int64 LE), and
 * its values' bytes: `raw_data` as stored, or the typed fields (`float_data`, `int64_data`, …) as
 * little-endian values of their type. The exporter writes it; the SDK checks it on load, so a
 * corrupted weight fails with ERR_MODEL_CORRUPT instead of silently changing the images. It covers
 * values, not metadata or graph structure (a broken graph fails onnxruntime's own checks).
 */
export async function weightsDigest(initializers: readonly WeightTensor[]): Promise<string> {
  const parts: Uint8Array[] = []
  const encoder = new TextEncoder()
  for (const t of initializers) {
    parts.push(encoder.encode(t.name), new Uint8Array([0]))
    const header = new DataView(new ArrayBuffer(8 + 8 * t.dims.length))
    header.setUint32(0, t.dataType, true)
    header.setUint32(4, t.dims.length, true)
    t.dims.forEach((d, i) => header.setBigInt64(8 + 8 * i, d, true))
    parts.push(new Uint8Array(header.buffer), valueBytes(t))
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) {
    all.set(p, offset)
    offset += p.byteLength
  }
  return hex(await crypto.subtle.digest('SHA-256', all))
}

/**
 * Check a model's weights against its `gan.weights_sha256`, when it declares one (models without
 * it load unchecked). Throws ERR_MODEL_CORRUPT on a mismatch.
 */
export async function checkWeights(model: ParsedModel, label: string): Promise<void> {
  const declared = readMetadata(label, model)[METADATA_KEYS.weightsSha256]
  if (declared === undefined) return
  if (!/^[0-9a-f]{64}$/.test(declared)) {
    throw new GanError(
      'ERR_MODEL_CONTRACT',
      `metadata ${METADATA_KEYS.weightsSha256}=${JSON.stringify(declared)} is invalid: expected 64 lowercase hex digits. Re-export the model.`,
    )
  }
  const actual = await weightsDigest(model.graph.initializer)
  if (actual !== declared) {
    throw new GanError(
      'ERR_MODEL_CORRUPT',
      `${label}'s weights do not match the checksum it declares (${METADATA_KEYS.weightsSha256} ${declared.slice(0, 12)}…, computed ${actual.slice(0, 12)}…): the file is corrupted. Download or export it again.`,
    )
  }
}

function valueBytes(t: WeightTensor): Uint8Array {
  if (t.rawData.byteLength > 0) return t.rawData
  const typed: [ArrayLike<number | bigint>, number, (view: DataView, at: number, v: never) => void][] = [
    [t.floatData, 4, (v, at, x: number) => v.setFloat32(at, x, true)],
    [t.int32Data, 4, (v, at, x: number) => v.setInt32(at, x, true)],
    [t.int64Data, 8, (v, at, x: bigint) => v.setBigInt64(at, x, true)],
    [t.doubleData, 8, (v, at, x: number) => v.setFloat64(at, x, true)],
    [t.uint64Data, 8, (v, at, x: bigint) => v.setBigUint64(at, x, true)],
  ]
  const chunks: Uint8Array<ArrayBufferLike>[] = typed
    .filter(([values]) => values.length > 0)
    .map(([values, size, set]) => {
      const view = new DataView(new ArrayBuffer(values.length * size))
      for (let i = 0; i < values.length; i++) set(view, i * size, values[i] as never)
      return new Uint8Array(view.buffer)
    })
  for (const s of t.stringData) {
    const length = new DataView(new ArrayBuffer(4))
    length.setUint32(0, s.byteLength, true)
    chunks.push(new Uint8Array(length.buffer), s)
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
