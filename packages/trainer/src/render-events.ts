import type { CliIo } from '@gan-sdk/internal'
import cliProgress from 'cli-progress'
import type { TrainEvent } from './events.js'

export interface EventRendererOptions {
  /** Print each event as one NDJSON line. @default false */
  json?: boolean
  /**
   * Draw a progress bar with ETA, images/s and losses (on stderr) instead of a line per step: for an
   * interactive terminal outside CI. @default false
   */
  live?: boolean
}

export interface EventRenderer {
  /** Show one event; pass as `onEvent` to train(). */
  onEvent(event: TrainEvent): void
  /** Stop the bar if one is drawn (training failed before `done`), so what follows starts on its own line. */
  stop(): void
}

/** How `gan-train` shows training: a bar on a live terminal, one plain line per event elsewhere, or NDJSON. */
export function createEventRenderer(io: CliIo, options: EventRendererOptions = {}): EventRenderer {
  if (options.json) return { onEvent: (event) => io.stdout(JSON.stringify(event)), stop: () => {} }
  const live = options.live ?? false
  let bar: cliProgress.SingleBar | undefined
  const stop = () => {
    bar?.stop()
    bar = undefined
  }
  const onEvent = (event: TrainEvent) => {
    switch (event.type) {
      case 'backend':
        io.stdout(`backend: ${event.backend}`)
        for (const t of event.tried) io.stdout(`  skipped ${t.name}: ${t.error}`)
        break
      case 'start':
        io.stdout(`training ${event.totalSteps} steps × ${event.batchSize} images on ${event.datasetSize} images → ${event.outDir}`)
        if (live) {
          bar = new cliProgress.SingleBar(
            { format: 'step {value}/{total} [{bar}] {percentage}% | ETA {eta_formatted} | {ips} img/s | D {d} G {g}', fps: 10 },
            cliProgress.Presets.shades_classic,
          )
          bar.start(event.totalSteps, 0, { ips: '-', d: '-', g: '-' })
        }
        break
      case 'step':
        if (bar) bar.update(event.step, { ips: event.imagesPerSec.toFixed(0), d: event.dLoss.toFixed(3), g: event.gLoss.toFixed(3) })
        else {
          const eta = ((event.totalSteps - event.step) * (event.elapsedSec / event.step)).toFixed(0)
          io.stdout(
            `step ${event.step}/${event.totalSteps}  D ${event.dLoss.toFixed(4)}  G ${event.gLoss.toFixed(4)}  ${event.imagesPerSec.toFixed(1)} img/s  ETA ${eta}s`,
          )
        }
        break
      case 'sample':
        if (!bar) io.stdout(`sample @ step ${event.step}: ${event.path}`)
        break
      case 'checkpoint':
        if (!bar) io.stdout(`checkpoint @ step ${event.step}: ${event.dir}`)
        break
      case 'done':
        stop()
        io.stdout(`done: ${event.steps} steps in ${event.elapsedSec.toFixed(1)} s → ${event.outDir}`)
        break
    }
  }
  return { onEvent, stop }
}
