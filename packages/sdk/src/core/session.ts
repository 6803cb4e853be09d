/** One inference session over a generator graph, on one device. */
export interface InferenceSessionLike {
  /**
   * Run the graph on `batch` latents (`batch × latentSize` floats, row by row) and return the
   * output tensor's floats. `labels` are the class indices of a conditional model, one per row.
   * The returned array must be fresh and is the caller's: the core overwrites it with the RGBA pixels.
   */
  run(latents: Float32Array, batch: number, labels?: Int32Array): Promise<Float32Array>
  release(): Promise<void>
}
