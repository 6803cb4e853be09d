import type { BackendName } from './backend/ladder.js'

/** Everything `train()` reports, in order. The library prints nothing; CLIs render these. */
export type TrainEvent =
  | { type: 'backend'; backend: BackendName; tried: ReadonlyArray<{ name: string; error: string }> }
  | { type: 'start'; totalSteps: number; batchSize: number; datasetSize: number; outDir: string }
  | { type: 'step'; step: number; totalSteps: number; dLoss: number; gLoss: number; imagesPerSec: number; elapsedSec: number }
  | { type: 'sample'; step: number; path: string }
  | { type: 'checkpoint'; step: number; dir: string }
  | { type: 'done'; steps: number; elapsedSec: number; outDir: string }
