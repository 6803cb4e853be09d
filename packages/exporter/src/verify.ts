import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { seedToLatent } from 'gan-sdk'
import * as ort from 'onnxruntime-node'

/** Seeds of the verification batch: more than one, so batching bugs show up too. */
export const VERIFY_SEEDS = [0, 1, 2, 3, 4, 5, 6, 7]

/**
 * Max |ONNX Runtime − TF.js predict| over the latents of {@link VERIFY_SEEDS} (drawn with the SDK's
 * seed contract). TF.js runs on its CPU backend, the reference implementation; the caller's
 * backend is restored afterwards.
 */
export async function maxAbsDifference(artifacts: tf.io.ModelArtifacts, onnx: Uint8Array, latentSize: number, names: { input: string; output: string }): Promise<number> {
  const batch = VERIFY_SEEDS.length
  const latents = new Float32Array(batch * latentSize)
  VERIFY_SEEDS.forEach((seed, i) => seedToLatent(seed, latentSize, 'normal', latents, i * latentSize))

  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['cpu'] })
  const result = await session.run({ [names.input]: new ort.Tensor('float32', latents, [batch, latentSize]) })
  const fromOnnx = result[names.output]!.data as Float32Array
  await session.release()

  const previous = tf.getBackend()
  await tf.setBackend('cpu')
  try {
    const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts))
    const y = tf.tidy(() => model.predict(tf.tensor2d(latents, [batch, latentSize])) as tf.Tensor)
    const fromTfjs = (await y.data()) as Float32Array
    y.dispose()
    model.dispose()
    if (fromTfjs.length !== fromOnnx.length) return Infinity
    let max = 0
    for (let i = 0; i < fromOnnx.length; i++) max = Math.max(max, Math.abs(fromOnnx[i]! - fromTfjs[i]!))
    return max
  } finally {
    if (previous && previous !== 'cpu') await tf.setBackend(previous)
  }
}
