import type { CliIo } from '@gan-sdk/internal'
import type { TrainEvent } from './events.js'
import { createLiveLine, type Terminal } from '@gan-sdk/internal'
import { formatProgress, type ProgressState } from './progress-bar.js'

export interface EventRendererOptions {
  /** Print each event as one NDJSON line. @default false */
  json?: boolean
  /**
   * Draw a progress bar here (an interactive terminal outside CI), redrawn after every step, with
   * the other lines printed above it; without one, a line per logged step. @default undefined
   */
  terminal?: Terminal
}

export interface EventRenderer {
  /** Show one event; pass as `onEvent` to train(). */
  onEvent(event: TrainEvent): void
  /** Clear the bar if one is drawn (training failed before `done`), so what follows starts on its own line. */
  stop(): void
}

/** How `gan-train` shows training: a bar on a live terminal, one plain line per event elsewhere, or NDJSON. */
export function createEventRenderer(io: CliIo, options: EventRendererOptions = {}): EventRenderer {
  if (options.json) return { onEvent: (event) => io.stdout(JSON.stringify(event)), stop: () => {} }
  const bar = options.terminal && createLiveLine(options.terminal)
  let progress: ProgressState | undefined
  const print = (line: string) => (bar ? bar.around(() => io.stdout(line)) : io.stdout(line))
  const onEvent = (event: TrainEvent) => {
    switch (event.type) {
      case 'data': {
        const shape = `${event.width}×${event.height}×${event.channels}`
        print(`data: ${event.name}, ${event.count} images at ${shape}${event.classes.length ? `, ${event.classes.length} classes` : ''}`)
        if (event.skipped > 0) {
          const shown = event.skippedExamples.map((s) => `${s.name} (${s.reason}: ${s.detail})`).join(', ')
          print(
            `  skipped ${event.skipped} image${event.skipped === 1 ? '' : 's'}: ${shown}${event.skipped > event.skippedExamples.length ? ', …' : ''}`,
          )
        }
        break
      }
      case 'backend':
        print(
          `backend: ${event.backend}${event.workers > 1 ? `, ${event.workers} workers` : ''}${event.kernels ? `, ${event.kernels.set} kernels` : ''}`,
        )
        for (const t of event.tried) print(`  skipped ${t.name}: ${t.error}`)
        if (event.kernels?.onnxRuntimeError !== undefined) {
          print(`  onnxruntime-node did not load (${event.kernels.onnxRuntimeError}): convolutions train on the slower wasm kernels`)
        }
        break
      case 'start':
        print(
          `training ${event.startStep > 0 ? `steps ${event.startStep + 1}–${event.totalSteps}` : `${event.totalSteps} steps`} × ${event.batchSize} images on ${event.datasetSize} images${event.initFrom ? `, from ${event.initFrom.run} at step ${event.initFrom.step}` : ''} → ${event.outDir}`,
        )
        progress = { step: event.startStep, totalSteps: event.totalSteps, imagesPerSec: 0, batchSize: event.batchSize }
        bar?.update(formatProgress(progress), true)
        break
      case 'progress':
        if (progress) {
          progress = { ...progress, step: event.step, imagesPerSec: event.imagesPerSec }
          bar?.update(formatProgress(progress), event.step === event.totalSteps)
        }
        break
      case 'step':
        if (bar && progress) {
          progress = { ...progress, dLoss: event.dLoss, gLoss: event.gLoss }
          bar.update(formatProgress(progress))
        } else {
          const eta = ((event.totalSteps - event.step) * (event.elapsedSec / event.step)).toFixed(0)
          io.stdout(
            `step ${event.step}/${event.totalSteps}  D ${event.dLoss.toFixed(4)}  G ${event.gLoss.toFixed(4)}  ${event.imagesPerSec.toFixed(1)} img/s  ETA ${eta}s`,
          )
        }
        break
      case 'sample':
        print(`sample @ step ${event.step}: ${event.path}`)
        break
      case 'checkpoint':
        print(`checkpoint @ step ${event.step}: ${event.dir}`)
        break
      case 'done':
        bar?.clear()
        io.stdout(
          event.steps < event.totalSteps
            ? `stopped at step ${event.steps} of ${event.totalSteps} after ${event.elapsedSec.toFixed(1)} s → ${event.outDir}`
            : `done: ${event.steps} steps in ${event.elapsedSec.toFixed(1)} s → ${event.outDir}`,
        )
        break
    }
  }
  return { onEvent, stop: () => bar?.clear() }
}
