import type { io, Tensor } from '@tensorflow/tfjs-core'
import type { ModelContract } from 'gan-sdk/core'
import { ExportError, ParityError } from '../errors.js'
import { VERIFY_LATENTS, verificationLatents } from './verification-latents.js'

/**
 * Run the ONNX model in onnxruntime-node and the original in TF.js (`predict`, CPU backend: the
 * reference kernels) on the same fixed latents; return max |ONNX − TF.js| over every output value.
 * ONNX runs twice, on the whole batch and on its first latent alone, so a graph that only works at
 * one batch size fails too. Throws {@link ParityError} (ERR_PARITY) above `tolerance` or on a shape
 * mismatch, and ERR_VERIFY when either runtime cannot run its model.
 */
export async function verifyParity(
  artifacts: io.ModelArtifacts,
  onnx: Uint8Array,
  contract: ModelContract,
  tolerance: number,
): Promise<number> {
  const { latentSize } = contract
  const latents = verificationLatents(latentSize, contract.latentDistribution)
  const [fromOnnx, firstFromOnnx] = await runOnnx(onnx, contract, latents)
  const fromTfjs = await runTfjs(artifacts, latents, latentSize)
  const perImage = contract.height * contract.width * contract.channels
  if (fromOnnx.length !== fromTfjs.length || fromOnnx.length !== VERIFY_LATENTS * perImage || firstFromOnnx.length !== perImage) {
    const mismatch = `for ${VERIFY_LATENTS} latents ONNX Runtime returned ${fromOnnx.length} values (${firstFromOnnx.length} for 1) and TF.js ${fromTfjs.length}, expected ${VERIFY_LATENTS} × ${perImage}`
    throw new ParityError(Infinity, tolerance, mismatch)
  }
  let max = maxAbsDiff(fromOnnx, fromTfjs)
  max = Math.max(max, maxAbsDiff(firstFromOnnx, fromTfjs.subarray(0, perImage)))
  if (!(max <= tolerance)) throw new ParityError(max, tolerance)
  return max
}

/** NaN when any value is not finite on either side: a model that emits NaN is never "close". */
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    if (!Number.isFinite(d)) return NaN
    if (d > max) max = d
  }
  return max
}

async function runOnnx(onnx: Uint8Array, contract: ModelContract, latents: Float32Array): Promise<[Float32Array, Float32Array]> {
  // Loaded on demand, so importing the exporter loads no native addon and exports with verify off
  // never pay for the native runtime (test/native-addons.test.ts).
  const ort = await import('onnxruntime-node')
  try {
    const session = await ort.InferenceSession.create(onnx)
    try {
      const run = async (rows: number) => {
        const feed = new ort.Tensor('float32', latents.slice(0, rows * contract.latentSize), [rows, contract.latentSize])
        const result = await session.run({ [contract.inputName]: feed })
        return result[contract.outputName]!.data as Float32Array
      }
      return [await run(VERIFY_LATENTS), await run(1)]
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

async function runTfjs(artifacts: io.ModelArtifacts, latents: Float32Array, latentSize: number): Promise<Float32Array> {
  const tf = await import('@tensorflow/tfjs-core')
  await import('@tensorflow/tfjs-backend-cpu')
  const tfl = await import('@tensorflow/tfjs-layers')
  // The caller may run another backend (the trainer uses wasm); borrow CPU and give it back. The
  // CPU backend also prints an "install tfjs-node" banner on first use, unless PROD; a library
  // must print nothing, so PROD is on while borrowing.
  const previous = tf.getBackend()
  const prod = tf.env().getBool('PROD')
  tf.env().set('PROD', true)
  await tf.setBackend('cpu')
  try {
    const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts))
    try {
      const y = tf.tidy(() => model.predict(tf.tensor2d(latents, [VERIFY_LATENTS, latentSize])) as Tensor)
      const data = (await y.data()) as Float32Array
      y.dispose()
      return data
    } finally {
      model.dispose()
    }
  } catch (err) {
    throw new ExportError(
      'ERR_VERIFY',
      `TF.js cannot load or run the original model to compare with: ${(err as Error).message}. Export with verification off (--no-verify) if the model only runs elsewhere.`,
      { cause: err },
    )
  } finally {
    if (previous && previous !== 'cpu') await tf.setBackend(previous)
    tf.env().set('PROD', prod)
  }
}
