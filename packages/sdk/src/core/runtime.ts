/**
 * What the platform entry (Node: onnxruntime-node; browser: onnxruntime-web) provides to the core.
 * The core never imports a runtime itself.
 */
export interface InferenceSessionLike {
  /** Run the graph on `latents` (`batch × latentSize` floats) and return the output tensor's floats. */
  run(latents: Float32Array, batch: number): Promise<Float32Array>
  release(): Promise<void>
}
