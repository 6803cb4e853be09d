// A progress line for CLIs on an interactive terminal: redrawn in place, throttled, stepping aside
// for the lines printed while it is shown. Shared by gan-train and gan-sdk bake.

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
