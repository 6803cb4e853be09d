import { join } from 'node:path'
import { appendRunFile, writeRunFile } from './io/run-files.js'

/** The run's metrics log, one JSON object per line, relative to the run directory. */
export const METRICS_FILE = 'metrics.jsonl'

/** One line of `metrics.jsonl`. */
export interface MetricsLine {
  step: number
  dLoss: number
  gLoss: number
  /** Real images per second since the previous line. */
  imagesPerSec: number
  /** Seconds since training started. */
  elapsedSec: number
}

export interface MetricsLog {
  /** Count real images consumed, for the next line's images/s. */
  addImages(count: number): void
  /** Seconds since the log was created. */
  elapsedSec(): number
  /** Append a line for `step` and start a new images/s window; resolves to the line. */
  append(step: number, dLoss: number, gLoss: number): Promise<MetricsLine>
}

/**
 * Start `outDir/metrics.jsonl` empty; its clock starts now.
 * @throws TrainError `ERR_WRITE` when the file cannot be written.
 */
export async function createMetricsLog(outDir: string): Promise<MetricsLog> {
  const path = join(outDir, METRICS_FILE)
  await writeRunFile(path, '', { fsync: false })
  const start = performance.now()
  let windowStart = start
  let windowImages = 0
  return {
    addImages(count) {
      windowImages += count
    },
    elapsedSec: () => (performance.now() - start) / 1000,
    async append(step, dLoss, gLoss) {
      const now = performance.now()
      const line: MetricsLine = {
        step,
        dLoss,
        gLoss,
        imagesPerSec: windowImages / ((now - windowStart) / 1000),
        elapsedSec: (now - start) / 1000,
      }
      windowStart = now
      windowImages = 0
      await appendRunFile(path, `${JSON.stringify(line)}\n`)
      return line
    },
  }
}
