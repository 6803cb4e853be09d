import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { appendRunFile, writeRunFile } from './io/run-files.js'

/** The run's metrics log, one JSON object per line, relative to the run directory. */
export const METRICS_FILE = 'metrics.jsonl'

/** One line of `metrics.jsonl`. */
export interface MetricsLine {
  step: number
  dLoss: number
  gLoss: number
  /** Real images per second since the previous line; 0 when that window is empty or has no measurable length. */
  imagesPerSec: number
  /** Seconds since training started. */
  elapsedSec: number
}

/** The lines of a run's `metrics.jsonl`, in order; none when it cannot be read (a run that has not logged yet). */
export async function readMetrics(outDir: string): Promise<MetricsLine[]> {
  const text = await readFile(join(outDir, METRICS_FILE), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as MetricsLine)
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
 * Start `outDir/metrics.jsonl` empty; its clock starts now. Resuming from a checkpoint keeps the
 * lines up to its step (later ones are trained again) and the clock goes on from its `elapsedSec`.
 * @throws TrainError `ERR_WRITE` when the file cannot be written.
 */
export async function createMetricsLog(outDir: string, resume?: { step: number; elapsedSec: number }): Promise<MetricsLog> {
  const path = join(outDir, METRICS_FILE)
  let kept = ''
  if (resume) {
    kept = (await readMetrics(outDir))
      .filter((line) => line.step <= resume.step)
      .map((line) => `${JSON.stringify(line)}\n`)
      .join('')
  }
  await writeRunFile(path, kept, { fsync: false })
  const start = performance.now() - (resume?.elapsedSec ?? 0) * 1000
  let windowStart = performance.now()
  let windowImages = 0
  return {
    addImages(count) {
      windowImages += count
    },
    elapsedSec: () => (performance.now() - start) / 1000,
    async append(step, dLoss, gLoss) {
      const now = performance.now()
      const seconds = (now - windowStart) / 1000
      const line: MetricsLine = {
        step,
        dLoss,
        gLoss,
        // An empty or zero-length window (two lines in one clock tick) is 0, never NaN or Infinity (null in JSON).
        imagesPerSec: windowImages > 0 && seconds > 0 ? windowImages / seconds : 0,
        elapsedSec: (now - start) / 1000,
      }
      windowStart = now
      windowImages = 0
      await appendRunFile(path, `${JSON.stringify(line)}\n`)
      return line
    },
  }
}
