import { describe, expect, it } from 'vitest'
import type { TrainEvent } from './events.js'
import { createEventRenderer, type EventRendererOptions } from './render-events.js'

const EVENTS: TrainEvent[] = [
  {
    type: 'data',
    name: 'pets',
    count: 100,
    width: 32,
    height: 32,
    channels: 3,
    classes: ['cat', 'dog'],
    skipped: 4,
    skippedExamples: [
      { name: 'cat/a.png', reason: 'unreadable', detail: 'bad PNG' },
      { name: 'dog/b.jpg', reason: 'too small', detail: '4×4' },
    ],
  },
  { type: 'backend', backend: 'wasm', tried: [{ name: 'tfjs-node', error: 'not installed' }], workers: 1 },
  { type: 'start', totalSteps: 4, startStep: 0, batchSize: 8, datasetSize: 100, outDir: 'runs/x' },
  { type: 'progress', step: 1, totalSteps: 4, elapsedSec: 0.1, imagesPerSec: 80 },
  { type: 'progress', step: 2, totalSteps: 4, elapsedSec: 0.2, imagesPerSec: 80 },
  { type: 'step', step: 2, totalSteps: 4, dLoss: 1.23456, gLoss: 0.5, imagesPerSec: 80, elapsedSec: 0.2 },
  { type: 'sample', step: 4, path: 'runs/x/samples/step-000004.png' },
  { type: 'checkpoint', step: 4, dir: 'runs/x' },
  { type: 'done', steps: 4, totalSteps: 4, elapsedSec: 0.41, outDir: 'runs/x' },
]

function render(options: EventRendererOptions) {
  const lines: string[] = []
  const renderer = createEventRenderer({ stdout: (l) => lines.push(l), stderr: () => {} }, options)
  EVENTS.forEach(renderer.onEvent)
  return lines
}

describe('createEventRenderer', () => {
  it('prints one plain line per event (and per skipped backend)', () => {
    expect(render({})).toEqual([
      'data: pets, 100 images at 32×32×3, 2 classes',
      '  skipped 4 images: cat/a.png (unreadable: bad PNG), dog/b.jpg (too small: 4×4), …',
      'backend: wasm',
      '  skipped tfjs-node: not installed',
      'training 4 steps × 8 images on 100 images → runs/x',
      'step 2/4  D 1.2346  G 0.5000  80.0 img/s  ETA 0s',
      'sample @ step 4: runs/x/samples/step-000004.png',
      'checkpoint @ step 4: runs/x',
      'done: 4 steps in 0.4 s → runs/x',
    ])
  })

  it('says a run stopped before its last step stopped, not done', () => {
    const lines: string[] = []
    const renderer = createEventRenderer({ stdout: (l) => lines.push(l), stderr: () => {} }, {})
    renderer.onEvent({ type: 'done', steps: 5, totalSteps: 3000, elapsedSec: 4.04, outDir: 'runs/x' })
    expect(lines).toEqual(['stopped at step 5 of 3000 after 4.0 s → runs/x'])
  })

  it("names the wasm kernels, and why ONNX Runtime's are not used when onnxruntime-node did not load", () => {
    const lines: string[] = []
    const renderer = createEventRenderer({ stdout: (l) => lines.push(l), stderr: () => {} }, {})
    renderer.onEvent({ type: 'backend', backend: 'wasm', tried: [], workers: 2, kernels: { set: 'onnxruntime' } })
    renderer.onEvent({
      type: 'backend',
      backend: 'wasm',
      tried: [],
      workers: 1,
      kernels: { set: 'sub-pixel', onnxRuntimeError: 'libonnxruntime.so.1: cannot open shared object file' },
    })
    expect(lines).toEqual([
      'backend: wasm, 2 workers, onnxruntime kernels',
      'backend: wasm, sub-pixel kernels',
      '  onnxruntime-node did not load (libonnxruntime.so.1: cannot open shared object file): convolutions train on the slower wasm kernels',
    ])
  })

  it('on a terminal, draws a bar from the first step and prints the other lines above it', () => {
    const screen: string[] = []
    const lines = render({ terminal: { write: (text) => screen.push(`[${text}]`) } })
    // No loss lines: the bar shows the losses; sample and checkpoint lines are printed, not hidden.
    expect(lines).toEqual([
      'data: pets, 100 images at 32×32×3, 2 classes',
      '  skipped 4 images: cat/a.png (unreadable: bad PNG), dog/b.jpg (too small: 4×4), …',
      'backend: wasm',
      '  skipped tfjs-node: not installed',
      'training 4 steps × 8 images on 100 images → runs/x',
      'sample @ step 4: runs/x/samples/step-000004.png',
      'checkpoint @ step 4: runs/x',
      'done: 4 steps in 0.4 s → runs/x',
    ])
    const clear = '\r\u001b[K'
    expect(screen[0]).toBe(`[${clear}step 0/4 [------------------------] 0% | 0 img/s | ETA -]`)
    // Step 1 redraws at once only if 100 ms passed; the sample line clears the bar and redraws it with the losses.
    expect(screen).toContain(`[${clear}]`)
    expect(screen.at(-2)).toBe(`[${clear}step 2/4 [############------------] 50% | 80 img/s | ETA 0s | D 1.235 G 0.500]`)
    expect(screen.at(-1)).toBe(`[${clear}]`)
  })

  it('prints the events themselves as NDJSON with json', () => {
    expect(render({ json: true }).map((l) => JSON.parse(l))).toEqual(EVENTS)
  })
})
