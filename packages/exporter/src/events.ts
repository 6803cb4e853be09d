/** What `exportOnnx()` reports, in order. The library prints nothing; the CLI renders these. */
export type ExportEvent =
  | {
      type: 'read'
      /** The input path, or `'<memory>'` for in-memory artifacts. */
      source: string
      /** Whether a training run manifest (gan.json) filled the contract. */
      runManifest: boolean
      /** Which model of the run is exported. */
      role: 'generator' | 'discriminator'
      layers: number
      /** Number of float32 weight values in the layers that convert (a discriminator's training heads left out). */
      parameters: number
    }
  | {
      type: 'optimized'
      /** Nodes as converted, and after folding batch norms and removing redundant layout nodes. */
      nodesBefore: number
      nodesAfter: number
      foldedBatchNorms: number
      removedLayoutNodes: number
    }
  | {
      type: 'float16'
      /** Size of the model with float16 weights, and with float32 ones. */
      bytes: number
      float32Bytes: number
      /** Number of weight tensors stored as float16. */
      weights: number
      /** Largest |float16 − float32 model output| over the verification inputs (ONNX Runtime both). */
      maxAbsDiff: number
      /** The same in 8-bit pixel levels (the SDK's byte rule over the output range); absent for discriminators. */
      maxByteDiff?: number
    }
  | { type: 'converted'; nodes: number; opsetVersion: number; bytes: number }
  | {
      type: 'verified'
      /** Largest |ONNX Runtime − TF.js| over every output value of the verification inputs. */
      maxAbsDiff: number
      tolerance: number
      /** Rows compared: latents (generator) or images (discriminator). */
      latents: number
      /** Classes the rows' labels cover (0 for unconditional models). */
      classes: number
      /** `float16` when the weights are float16 (and the tolerance wider for it). */
      precision: 'float32' | 'float16'
    }
  | { type: 'written'; path: string; bytes: number }
