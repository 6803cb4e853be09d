import { describe, expect, it } from 'vitest'
import type { TrainEvent } from './events.js'
import { createEventRenderer } from './render-events.js'

const EVENTS: TrainEvent[] = [
  { type: 'backend', backend: 'wasm', tried: [{ name: 'tfjs-node', error: 'not installed' }] },
  { type: 'start', totalSteps: 4, batchSize: 8, datasetSize: 100, outDir: 'runs/x' },
  { type: 'step', step: 2, totalSteps: 4, dLoss: 1.23456, gLoss: 0.5, imagesPerSec: 80, elapsedSec: 0.2 },
  { type: 'sample', step: 4, path: 'runs/x/samples/step-000004.png' },
  { type: 'checkpoint', step: 4, dir: 'runs/x' },
  { type: 'done', steps: 4, elapsedSec: 0.41, outDir: 'runs/x' },
]

function render(options: { json?: boolean }) {
  const lines: string[] = []
  const renderer = createEventRenderer({ stdout: (l) => lines.push(l), stderr: () => {} }, options)
  EVENTS.forEach(renderer.onEvent)
  return lines
}

describe('createEventRenderer', () => {
  it('prints one plain line per event (and per skipped backend)', () => {
    expect(render({})).toEqual([
      'backend: wasm',
      '  skipped tfjs-node: not installed',
      'training 4 steps × 8 images on 100 images → runs/x',
      'step 2/4  D 1.2346  G 0.5000  80.0 img/s  ETA 0s',
      'sample @ step 4: runs/x/samples/step-000004.png',
      'checkpoint @ step 4: runs/x',
      'done: 4 steps in 0.4 s → runs/x',
    ])
  })

  it('prints the events themselves as NDJSON with json', () => {
    expect(render({ json: true }).map((l) => JSON.parse(l))).toEqual(EVENTS)
  })
})
