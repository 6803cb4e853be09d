// Child process of sdk-fuzz.test.ts: for each case in [first, last), corrupts the bundled model as
// the case's seed says, loads it with gan-sdk on the CPU and generates two images. Prints one JSON
// line per case before it starts ("start") and after ("done"), so the parent can name the case of a
// crash or a hang.
import { fromBinary, toBinary } from '@bufbuild/protobuf'
import { readFileSync } from 'node:fs'
import { ModelProtoSchema } from 'onnx-buf'
import { BUNDLED_MODEL_URL, Generator, isGanError } from 'gan-sdk'

/** @param {Uint8Array} bytes */
function withoutChecksum(bytes) {
  const model = fromBinary(ModelProtoSchema, bytes)
  model.metadataProps = model.metadataProps.filter((p) => p.key !== 'gan.weights_sha256')
  return toBinary(ModelProtoSchema, model)
}

const [first = 0, last = 0] = process.argv.slice(2, 4).map(Number)
// 'checksum': the bundled model as shipped; 'bare': without its gan.weights_sha256, as a foreign
// model would be, so corruptions reach onnxruntime instead of failing the checksum.
const variant = process.argv[4]
const shipped = readFileSync(BUNDLED_MODEL_URL)
const original = variant === 'bare' ? withoutChecksum(shipped) : shipped
const baseline = await (await Generator.load(original, { device: 'cpu' })).generateBatch([0, 1])

/**
 * mulberry32: the corruption of case `n` is the same on every run.
 * @param {number} seed
 */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The case's corrupted bytes and what was done: bit flips, a truncation, an insertion or a zeroed range.
 * @param {number} n
 */
function corrupt(n) {
  const rand = random(n * 2654435761)
  const at = () => Math.floor(rand() * original.length)
  const bytes = Uint8Array.from(original)
  switch (n % 4) {
    case 0: {
      const flips = 1 + Math.floor(rand() * 8)
      for (let i = 0; i < flips; i++) {
        const where = at()
        bytes[where] = /** @type {number} */ (bytes[where]) ^ (1 << Math.floor(rand() * 8))
      }
      return { kind: 'bit flips', bytes }
    }
    case 1:
      return { kind: 'truncation', bytes: bytes.subarray(0, at()) }
    case 2: {
      const where = at()
      const extra = Uint8Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))
      const out = new Uint8Array(bytes.length + extra.length)
      out.set(bytes.subarray(0, where))
      out.set(extra, where)
      out.set(bytes.subarray(where), where + extra.length)
      return { kind: 'insertion', bytes: out }
    }
    default: {
      const start = at()
      bytes.fill(0, start, Math.min(bytes.length, start + 1 + Math.floor(rand() * 4096)))
      return { kind: 'zeroed range', bytes }
    }
  }
}

for (let n = first; n < last; n++) {
  const { kind, bytes } = corrupt(n)
  process.stdout.write(`${JSON.stringify({ n, kind, state: 'start' })}\n`)
  let outcome
  try {
    const g = await Generator.load(bytes, { device: 'cpu' })
    const images = await g.generateBatch([0, 1])
    await g.dispose()
    const same = images.every((image, i) => Buffer.from(image.data).equals(Buffer.from(/** @type {Uint8Array} */ (baseline[i]?.data))))
    outcome = same ? 'same images' : 'different images'
  } catch (err) {
    outcome = isGanError(err) ? err.code : `raw error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`
  }
  process.stdout.write(`${JSON.stringify({ n, kind, state: 'done', outcome })}\n`)
}
