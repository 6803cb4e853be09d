/** What `exportOnnx()` reports, in order. The library prints nothing; the CLI renders these. */
export type ExportEvent =
  | {
      type: 'read'
      /** The input path, or `'<memory>'` for in-memory artifacts. */
      source: string
      /** Whether a training run manifest (gan.json) filled the contract. */
      runManifest: boolean
      layers: number
      /** Number of float32 weight values in the model. */
      parameters: number
    }
  | { type: 'converted'; nodes: number; opsetVersion: number; bytes: number }
  | {
      type: 'verified'
      /** Largest |ONNX Runtime − TF.js| over every output value of the verification latents. */
      maxAbsDiff: number
      tolerance: number
      latents: number
    }
  | { type: 'written'; path: string; bytes: number }
