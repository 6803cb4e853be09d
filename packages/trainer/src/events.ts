import type { BackendName } from './backend/ladder.js'
import type { WasmKernelReport } from './backend/wasm-kernels.js'
import type { SkippedImage } from './data/decode-images.js'

/** Everything `train()` reports, in order. The library prints nothing; CLIs render these. */
export type TrainEvent =
  /** The images are loaded (before any backend): what will be trained on, and what was skipped. */
  | {
      type: 'data'
      name: string
      count: number
      width: number
      height: number
      channels: 1 | 3 | 4
      /** Class names of a conditional run, `[]` otherwise. */
      classes: readonly string[]
      skipped: number
      /** The first few skipped images, with why. */
      skippedExamples: readonly SkippedImage[]
    }
  /** The backend started, and how many replicas train on it (option `workers`, resolved). */
  | {
      type: 'backend'
      backend: BackendName
      tried: ReadonlyArray<{ name: string; error: string }>
      workers: number
      /** On wasm: the kernels that train convolutions and products, and why ONNX Runtime's are not used when it failed to load. */
      kernels?: WasmKernelReport
    }
  /**
   * Training begins; `startStep` is 0, or the checkpoint's step when resuming. `initFrom`: the
   * checkpoint a warm start (`initFrom`) took its first weights from.
   */
  | {
      type: 'start'
      totalSteps: number
      startStep: number
      batchSize: number
      datasetSize: number
      outDir: string
      initFrom?: { run: string; step: number }
    }
  /** After every step, so progress shows from the first one. */
  | { type: 'progress'; step: number; totalSteps: number; elapsedSec: number; imagesPerSec: number }
  /** Every `logEvery` steps and at the last: the losses, as `metrics.jsonl` records them. */
  | { type: 'step'; step: number; totalSteps: number; dLoss: number; gLoss: number; imagesPerSec: number; elapsedSec: number }
  | { type: 'sample'; step: number; path: string }
  | { type: 'checkpoint'; step: number; dir: string }
  /** The run ended: `steps` equals `totalSteps` when it finished, fewer when stopped (`signal`). */
  | { type: 'done'; steps: number; totalSteps: number; elapsedSec: number; outDir: string }
