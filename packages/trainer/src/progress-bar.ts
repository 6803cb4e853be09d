import { formatDuration } from '@gan-sdk/internal'

/** What the progress bar shows. */
export interface ProgressState {
  step: number
  totalSteps: number
  /** Images/s so far (0 before the first step): with the batch size, the ETA. */
  imagesPerSec: number
  batchSize: number
  dLoss?: number
  gLoss?: number
}

const BAR_WIDTH = 24

/** One line: `step 120/3000 [###-----] 4% | 61 img/s | ETA 12m03s | D 1.234 G 0.789`. */
export function formatProgress(s: ProgressState): string {
  const fraction = s.totalSteps > 0 ? Math.min(1, s.step / s.totalSteps) : 0
  const filled = Math.round(fraction * BAR_WIDTH)
  const eta = s.imagesPerSec > 0 ? ((s.totalSteps - s.step) * s.batchSize) / s.imagesPerSec : Number.NaN
  const losses = s.dLoss === undefined || s.gLoss === undefined ? '' : ` | D ${s.dLoss.toFixed(3)} G ${s.gLoss.toFixed(3)}`
  return (
    `step ${s.step}/${s.totalSteps} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}%` +
    ` | ${s.imagesPerSec.toFixed(0)} img/s | ETA ${formatDuration(eta)}${losses}`
  )
}
