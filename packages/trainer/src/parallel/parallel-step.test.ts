import * as tf from '@tensorflow/tfjs-core'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { buildDiscriminator, buildGenerator, type DcganConfig } from '../models/dcgan.js'
import type { TrainOptions } from '../options.js'
import { readRunManifest } from '../run-manifest.js'
import { train } from '../train.js'
import { createParallelStep, MIN_STALL_MS, ReplicaWorker, resolveWorkers, stallLimitMs } from './parallel-step.js'
import type { ReplicaInit } from './replica-messages.js'
import { splitBatch } from './replica-step.js'
import { squares } from '../testing/squares.js'
import { readMetrics } from '../metrics.js'

const TINY = {
  dataset: squares(64),
  batchSize: 16,
  latentSize: 8,
  generatorFilters: [16, 8],
  discriminatorFilters: [8, 16],
  logEvery: 1,
  sampleEvery: 100,
  checkpointEvery: 100,
  backend: 'wasm',
} as const satisfies Partial<TrainOptions>

async function run(options: Partial<TrainOptions>) {
  const outDir = join(await mkdtemp(join(tmpdir(), 'gan-workers-')), 'run')
  await train({ ...TINY, ...options, outDir })
  const losses = (await readMetrics(outDir)).map(({ dLoss, gLoss }) => ({ dLoss, gLoss }))
  const manifest = await readRunManifest(outDir)
  const weights = (await readFile(join(outDir, manifest.generator, '..', 'generator-live', 'weights.bin'))).toString('base64')
  return { losses, weights }
}

describe('data-parallel training (workers)', () => {
  it('splits a batch into contiguous shards, the larger first', () => {
    expect(splitBatch(64, 2)).toEqual([
      { offset: 0, count: 32 },
      { offset: 32, count: 32 },
    ])
    expect(splitBatch(7, 3)).toEqual([
      { offset: 0, count: 3 },
      { offset: 3, count: 2 },
      { offset: 5, count: 2 },
    ])
  })

  it('auto is one replica per core on one-thread backends, one on tfjs-node; numbers are checked against backend and batch', () => {
    expect(resolveWorkers('auto', 'wasm', 64, 2)).toBe(2)
    expect(resolveWorkers('auto', 'cpu', 64, 8)).toBe(8)
    expect(resolveWorkers('auto', 'wasm', 4, 8)).toBe(2)
    expect(resolveWorkers('auto', 'wasm', 1, 8)).toBe(1)
    expect(resolveWorkers('auto', 'tfjs-node', 64, 8)).toBe(1)
    expect(resolveWorkers('auto', 'tfjs-node-gpu', 64, 8)).toBe(1)
    expect(resolveWorkers(3, 'wasm', 64, 2)).toBe(3)
    expect(resolveWorkers(1, 'tfjs-node', 64, 2)).toBe(1)
    expect(() => resolveWorkers(2, 'tfjs-node', 64)).toThrow(
      /workers 2 is for the one-thread backends \(wasm, cpu\); tfjs-node uses every core already/,
    )
    expect(() => resolveWorkers(3, 'wasm', 5)).toThrow(/pass at most --workers 2, or a batch size of at least 6/)
  })

  it('2 workers train as 1 does, up to BatchNorm on half batches: losses within 1 % over 6 steps', async () => {
    const one = await run({ steps: 6, workers: 1, learningRate: 0.005 })
    const two = await run({ steps: 6, workers: 2, learningRate: 0.005 })
    // Not bit-identical: latents, labels and augmentations are the same per image, but the
    // generator's BatchNorm normalises each half by its own statistics, and the gradients are added
    // in another order. Measured: ≤ 0.15 % apart over these 6 steps (while the losses move 5 %);
    // adversarial training amplifies any difference, so the bound is for a few steps only.
    expect(one.losses.at(-1)!.dLoss).toBeLessThan(one.losses[0]!.dLoss * 0.98)
    for (const [i, l] of one.losses.entries()) {
      expect(Math.abs(two.losses[i]!.dLoss - l.dLoss) / l.dLoss).toBeLessThan(0.01)
      expect(Math.abs(two.losses[i]!.gLoss - l.gLoss) / l.gLoss).toBeLessThan(0.01)
    }
    expect(two.weights).not.toEqual(one.weights)
  })

  it('the class loss and the LeCam penalty are shared out like the rest: a run with them trains on 2 workers as on 1, within 1 % over 4 steps', async () => {
    const options = {
      steps: 4,
      learningRate: 0.005,
      dataset: { ...squares(64), labels: Uint8Array.from({ length: 64 }, (_, n) => n % 2), classNames: ['a', 'b'] },
      conditional: true,
      classLoss: 1,
      lecam: 1,
    } as const
    const one = await run({ ...options, workers: 1 })
    const two = await run({ ...options, workers: 2 })
    for (const [i, l] of one.losses.entries()) {
      expect(Math.abs(two.losses[i]!.dLoss - l.dLoss) / l.dLoss).toBeLessThan(0.01)
      expect(Math.abs(two.losses[i]!.gLoss - l.gLoss) / l.gLoss).toBeLessThan(0.01)
    }
  })

  it.each(['plain', 'residual'] as const)(
    'is deterministic for a given number of workers, with every model feature on (%s generator)',
    async (generatorBlocks) => {
      const options = {
        steps: 3,
        workers: 2,
        dataset: { ...squares(16), labels: Uint8Array.from({ length: 16 }, (_, n) => n % 2), classNames: ['a', 'b'] },
        conditional: true,
        generatorBlocks,
        classLoss: 0.5,
        lecam: 0.3,
        reconstruction: 0.5,
        spectralNorm: true,
        spectralNormProjection: true,
        augment: ['translation', 'cutout', 'color'],
        loss: 'hinge',
        batchSize: 6,
      } as const
      const a = await run(options)
      const b = await run(options)
      expect(a).toEqual(b)
    },
  )

  it('a worker that hangs is stopped after the time allowed, as TrainError ERR_WORKER naming the fix', async () => {
    // A thread that stays alive and never answers.
    const script = new URL('data:text/javascript,setInterval(() => {}, 1000)')
    const worker = new ReplicaWorker(script, {} as ReplicaInit, 1, 2)
    const started = performance.now()
    await expect(worker.next('ready', 300)).rejects.toMatchObject({
      name: 'TrainError',
      code: 'ERR_WORKER',
      message: expect.stringMatching(
        /^\[gan-train\] training worker 1 of 1 sent nothing for 0\.3 s: it is stuck \(or this machine too busy for it\), and was stopped\. Pass --workers 1/,
      ),
    })
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    // Later calls fail at once, with the same error.
    await expect(worker.next('gradients', 60_000)).rejects.toMatchObject({ message: expect.stringContaining('stuck') })
  })

  it('a reply still awaited when the worker is stopped fails instead of waiting for ever', async () => {
    const worker = new ReplicaWorker(new URL('data:text/javascript,setInterval(() => {}, 1000)'), {} as ReplicaInit, 1, 2)
    const pending = worker.next('ready', 60_000)
    worker.terminate()
    await expect(pending).rejects.toMatchObject({ code: 'ERR_WORKER', message: expect.stringContaining('worker 1 of 1 was stopped') })
  })

  it("allows a worker 20× this thread's time for the same work, and at least two minutes", () => {
    expect(stallLimitMs(50)).toBe(MIN_STALL_MS)
    expect(MIN_STALL_MS).toBe(120_000)
    expect(stallLimitMs(30_000)).toBe(600_000)
  })

  it('a worker that fails surfaces as TrainError ERR_WORKER, naming the fix, and nothing hangs', async () => {
    await selectBackend('wasm')
    const cfg: DcganConfig = {
      latentSize: 4,
      width: 8,
      height: 8,
      channels: 1,
      generatorFilters: [8, 4],
      discriminatorFilters: [4, 8],
      kernelSize: 4,
      seed: 1,
    }
    const generator = buildGenerator(cfg)
    const discriminator = buildDiscriminator(cfg)
    const parts = {
      generator,
      discriminator,
      generatorOptimizer: tf.train.adam(2e-4, 0.5),
      discriminatorOptimizer: tf.train.adam(2e-4, 0.5),
      latentSize: 4,
      batchSize: 4,
      seed: 1,
      replicas: 2,
      fastKernels: true,
      learningRate: { generator: 2e-4, discriminator: 2e-4, steps: 1, decaySteps: 0 },
      beta1: 0.5,
    }
    try {
      // The worker cannot start this backend (not installed here, or not in a worker).
      await expect(createParallelStep({ ...parts, model: cfg, backend: 'tfjs-node-gpu' })).rejects.toMatchObject({
        name: 'TrainError',
        code: 'ERR_WORKER',
        message: expect.stringMatching(/^\[gan-train\] training worker 1 of 1 failed: [\s\S]*Pass --workers 1/),
      })
      // Weights that do not fit the worker's models.
      await expect(createParallelStep({ ...parts, model: { ...cfg, latentSize: 5 }, backend: 'wasm' })).rejects.toMatchObject({
        code: 'ERR_WORKER',
      })
    } finally {
      generator.dispose()
      discriminator.dispose()
    }
  })
})
