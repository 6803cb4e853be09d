import type { io, Tensor } from '@tensorflow/tfjs-core'
import { ExportError } from '../errors.js'
import type { VerificationInputs } from './verification-inputs.js'

/**
 * Run the original TF.js model (`predict`, CPU backend: the reference kernels) on `inputs`.
 * `tfjsInputs` maps the model's inputs, in its order, to the graph inputs they correspond to, with
 * the dtype TF.js wants (a label may be int32 or float32). Throws ERR_VERIFY when TF.js cannot load
 * or run the model.
 */
export async function runTfjs(
  artifacts: io.ModelArtifacts,
  inputs: VerificationInputs,
  tfjsInputs: ReadonlyArray<{ name: string; dtype: string }>,
): Promise<Float32Array> {
  const tf = await import('@tensorflow/tfjs-core')
  await import('@tensorflow/tfjs-backend-cpu')
  const tfl = await import('@tensorflow/tfjs-layers')
  const { registerSpectralNormalization } = await import('./spectral-normalization-layer.js')
  registerSpectralNormalization()
  const { registerReflectionPadding } = await import('./reflection-padding-layer.js')
  registerReflectionPadding()
  const { registerFeatureLayers } = await import('@gan-sdk/internal/feature-layers')
  registerFeatureLayers()
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
      const y = tf.tidy(() => {
        const xs = tfjsInputs.map(({ name, dtype }) => {
          const feed = inputs.feeds.find((f) => f.name === name)!
          const dims = feed.type === 'int64' ? [1] : feed.dims
          return tf.tensor(feed.values, [inputs.rows, ...dims], dtype === 'int32' ? 'int32' : 'float32')
        })
        // A discriminator's training heads (classifier, decoder) follow its logit, which is what converts.
        const outputs = model.predict(xs.length === 1 ? xs[0]! : xs) as Tensor | Tensor[]
        return Array.isArray(outputs) ? outputs[0]! : outputs
      })
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
