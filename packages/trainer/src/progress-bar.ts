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

/** `42s`, `12m03s`, `2h05m`; `-` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-'
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** Where a live bar is drawn: raw text to a terminal (the bin's stderr). */
export interface Terminal {
  write(text: string): void
}

/** A bar redrawn in place on one terminal line, at most every `intervalMs`, that steps aside for printed lines. */
export interface LiveLine {
  /** Redraw with `text` (throttled unless `force`). */
  update(text: string, force?: boolean): void
  /** Print lines above the bar: clear it, let `print` write, draw it again. */
  around(print: () => void): void
  /** Clear the bar for good. */
  clear(): void
}

const CLEAR_LINE = '\r\u001b[K'

export function createLiveLine(terminal: Terminal, intervalMs = 100, now: () => number = () => performance.now()): LiveLine {
  let text: string | undefined
  let drawnAt = -Infinity
  const draw = () => {
    if (text === undefined) return
    terminal.write(`${CLEAR_LINE}${text}`)
    drawnAt = now()
  }
  return {
    update(next, force = false) {
      text = next
      if (force || now() - drawnAt >= intervalMs) draw()
    },
    around(print) {
      if (text !== undefined) terminal.write(CLEAR_LINE)
      print()
      draw()
    },
    clear() {
      if (text !== undefined) terminal.write(CLEAR_LINE)
      text = undefined
    },
  }
}
