import * as tf from '@tensorflow/tfjs-core'
import { RUN_MANIFEST_FORMAT } from 'gan-sdk/core'
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import type { TrainEvent } from './events.js'
import { loadLayersModel } from './io/layers-model-io.js'
import { SpectralNormalization } from './models/spectral-norm.js'
import { readRunManifest } from './run-manifest.js'
import { train } from './train.js'
import type { TrainOptions } from './options.js'
import { squares } from './testing/squares.js'
import { readMetrics } from './metrics.js'

/** A few-weight pair in this thread, for tests that look at one feature over a step or two. */
const SMALL = {
  batchSize: 4,
  latentSize: 4,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  backend: 'wasm',
  workers: 1,
} as const satisfies Partial<TrainOptions>

describe('train', () => {
  it('keeps the newest keepCheckpoints checkpoints (0: all), a setting a resumed run may change', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-train-keep-'))
    const dataset = squares(16, { floats: true })
    const tiny = { dataset, batchSize: 8, latentSize: 8, generatorFilters: [8, 4], discriminatorFilters: [4, 8], backend: 'wasm' as const }
    await train({ ...tiny, outDir, steps: 4, checkpointEvery: 1, keepCheckpoints: 2 })
    expect(await readdir(join(outDir, 'checkpoints'))).toEqual(['step-000003', 'step-000004'])
    // A killed run's uncommitted checkpoint of a later step, and a temporary folder: gone when a run resumes before them.
    await mkdir(join(outDir, 'checkpoints', 'step-000009', 'generator'), { recursive: true })
    await mkdir(join(outDir, 'checkpoints', '.step-000005.tmp-1'))
    await train({ outDir, dataset, backend: 'wasm', resume: true, steps: 6, keepCheckpoints: 0 })
    expect(await readdir(join(outDir, 'checkpoints'))).toEqual(['step-000003', 'step-000004', 'step-000005', 'step-000006'])
    expect((await readRunManifest(outDir)).generator).toBe('checkpoints/step-000006/generator')
    // Fewer kept on a later resume: the older ones go with its next checkpoint.
    await train({ outDir, dataset, backend: 'wasm', resume: true, steps: 7, keepCheckpoints: 1 })
    expect(await readdir(join(outDir, 'checkpoints'))).toEqual(['step-000007'])
  })

  it('writes checkpoints, samples, metrics and gan.json, and the generator reloads', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
    const events: TrainEvent[] = []
    const result = await train({
      outDir,
      dataset: squares(40, { floats: true }),
      steps: 6,
      batchSize: 8,
      latentSize: 8,
      generatorFilters: [16, 8],
      discriminatorFilters: [8, 16],
      sampleEvery: 4,
      checkpointEvery: 3,
      logEvery: 2,
      backend: 'wasm',
      onEvent: (e) => events.push(e),
    })
    expect(result).toMatchObject({ steps: 6, backend: 'wasm' })
    expect(events[0]).toMatchObject({ type: 'data', name: 'squares', count: 40, classes: [], skipped: 0 })
    expect(events[1]).toMatchObject({ type: 'backend', backend: 'wasm' })
    expect(events.filter((e) => e.type === 'progress').map((e) => (e as { step: number }).step)).toEqual([1, 2, 3, 4, 5, 6])
    expect(events.at(-1)).toMatchObject({ type: 'done', steps: 6, totalSteps: 6 })
    expect(events.filter((e) => e.type === 'step').map((e) => (e as { step: number }).step)).toEqual([2, 4, 6])

    const metrics = await readMetrics(outDir)
    expect(metrics).toHaveLength(3)
    for (const m of metrics) {
      expect(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss) && m.imagesPerSec > 0).toBe(true)
    }
    expect(await readdir(join(outDir, 'samples'))).toEqual(['step-000004.png', 'step-000006.png'])

    const manifest = await readRunManifest(outDir)
    // The checkpoint of step 3 was replaced by that of step 6, which gan.json names.
    expect(await readdir(join(outDir, 'checkpoints'))).toEqual(['step-000006'])
    expect(manifest).toMatchObject({
      generator: 'checkpoints/step-000006/generator',
      discriminator: 'checkpoints/step-000006/discriminator',
      format: RUN_MANIFEST_FORMAT,
      latentSize: 8,
      width: 8,
      height: 8,
      channels: 1,
      range: [-1, 1],
      steps: 6,
      license: 'CC0-1.0',
    })
    const g = await loadLayersModel(join(outDir, manifest.generator))
    const out = g.predict(tf.zeros([2, 8])) as tf.Tensor
    expect(out.shape).toEqual([2, 8, 8, 1])
    const values = await out.data()
    expect(Math.max(...values)).toBeLessThanOrEqual(1)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1)
    tf.dispose(out)
    g.dispose()
  })

  it('stops at the current step when aborted and still writes a loadable run', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
    const controller = new AbortController()
    const result = await train({
      outDir,
      dataset: squares(16, { floats: true }),
      steps: 1000,
      batchSize: 4,
      latentSize: 4,
      generatorFilters: [8, 4],
      discriminatorFilters: [4, 8],
      logEvery: 1,
      backend: 'wasm',
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 3) controller.abort()
      },
    })
    expect(result.steps).toBe(3)
    expect((await readRunManifest(outDir)).steps).toBe(3)
  })

  it('stopped while starting up, writes nothing', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'gan-train-')), 'run')
    const controller = new AbortController()
    const result = await train({
      outDir,
      dataset: squares(8, { floats: true }),
      steps: 5,
      batchSize: 4,
      latentSize: 4,
      generatorFilters: [8, 4],
      discriminatorFilters: [4, 8],
      backend: 'wasm',
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'backend') controller.abort()
      },
    })
    expect(result).toMatchObject({ steps: 0, startStep: 0 })
    await expect(readdir(outDir)).rejects.toThrow('ENOENT')
  })

  it('frees every tensor it made, also when training fails part way', async () => {
    await selectBackend('wasm')
    const tiny = {
      dataset: squares(8, { floats: true }),
      batchSize: 4,
      latentSize: 4,
      generatorFilters: [8, 4],
      discriminatorFilters: [4, 8],
      logEvery: 1,
      lecam: 0.3,
      mirror: true,
      backend: 'wasm',
    } as const
    // One run first: TF.js and the wasm backend allocate some tensors once, on first use.
    await train({ ...tiny, outDir: await mkdtemp(join(tmpdir(), 'gan-train-')), steps: 1 })
    const before = tf.memory().numTensors
    await train({ ...tiny, outDir: await mkdtemp(join(tmpdir(), 'gan-train-')), steps: 2 })
    expect(tf.memory().numTensors).toBe(before)
    const failing = train({
      ...tiny,
      outDir: await mkdtemp(join(tmpdir(), 'gan-train-')),
      steps: 5,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 2) throw new Error('listener failed')
      },
    })
    await expect(failing).rejects.toThrow('listener failed')
    expect(tf.memory().numTensors).toBe(before)
  })
  it("saves the exported generator with standing BatchNorm statistics, its own, not the trained one's moving averages", async () => {
    // emaDecay 0: the exported generator's weights are the trained one's, so only the statistics can differ.
    const movingStats = async (standingStats: number) => {
      const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
      await train({
        outDir,
        dataset: squares(16, { floats: true }),
        ...SMALL,
        steps: 2,
        emaDecay: 0,
        standingStats,
      })
      const read = async (dir: string) => {
        const g = await loadLayersModel(join(outDir, 'checkpoints', 'step-000002', dir))
        const stats = g.weights.filter((w) => /\/moving_(mean|variance)$/.test(w.originalName)).map((w) => Array.from(w.read().dataSync()))
        g.dispose()
        return stats
      }
      const config = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')) as { options: { standingStats: number } }
      return { exported: await read('generator'), trained: await read('generator-live'), recorded: config.options.standingStats }
    }
    const kept = await movingStats(0)
    expect(kept.exported).toEqual(kept.trained)
    expect(kept.recorded).toBe(0)
    const standing = await movingStats(3)
    expect(standing.exported).toHaveLength(4)
    expect(standing.exported).not.toEqual(standing.trained)
    expect(standing.trained).toEqual(kept.trained)
    expect(standing.recorded).toBe(3)
  })

  it('discriminatorInputFilters: the run trains and saves a D that starts with a full-resolution 3×3 conv, and config.json keeps it', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
    await train({ outDir, dataset: squares(8), ...SMALL, spectralNorm: true, discriminatorInputFilters: 3, steps: 1 })
    const D = await loadLayersModel(join(outDir, 'checkpoints', 'step-000001', 'discriminator'))
    const first = D.layers.find((l) => l.getClassName() === 'SpectralNormalization')!
    expect(first.outputShape).toEqual([null, 8, 8, 3])
    D.dispose()
    const config = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')) as { options: { discriminatorInputFilters: number } }
    expect(config.options.discriminatorInputFilters).toBe(3)
  })

  it("spectralNormProjection: the checkpointed D's class embedding is spectrally normalised and trained, and config.json keeps it", async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
    const dataset = { ...squares(8), labels: Uint8Array.from({ length: 8 }, (_, n) => n % 2), classNames: ['a', 'b'] }
    const options = { outDir, dataset, ...SMALL, conditional: true, spectralNorm: true, spectralNormProjection: true, steps: 2 }
    await train({ ...options, steps: 1 })
    const table = async (step: string) => {
      const D = await loadLayersModel(join(outDir, 'checkpoints', step, 'discriminator'))
      const wrapped = D.layers
        .filter((l) => l instanceof SpectralNormalization)
        .map((l) => (l as SpectralNormalization).layer.getClassName())
      const weights = D.layers.find((l) => l instanceof SpectralNormalization && l.layer.getClassName() === 'Embedding')!.getWeights()
      const values = Array.from(weights[0]!.dataSync())
      D.dispose()
      return { wrapped, values }
    }
    const first = await table('step-000001')
    expect(first.wrapped).toContain('Embedding')
    await train({ outDir, dataset, resume: true, steps: 2 })
    expect((await table('step-000002')).values).not.toEqual(first.values)
    const config = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')) as { options: { spectralNormProjection: boolean } }
    expect(config.options.spectralNormProjection).toBe(true)
  })

  it('mirror: D sees the flipped images too, and config.json keeps it for --resume', async () => {
    const firstStep = async (mirror: boolean) => {
      const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
      // Every square at the left edge: mirrored, it is at the right, where no image has one.
      const one = squares(1).pixels
      const dataset = { ...squares(4), pixels: Uint8Array.from({ length: 4 * 64 }, (_, i) => one[i % 64]!) }
      await train({ outDir, dataset, ...SMALL, mirror, steps: 1, logEvery: 1 })
      const config = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')) as { options: { mirror: boolean } }
      return { dLoss: (await readMetrics(outDir))[0]!.dLoss, recorded: config.options.mirror }
    }
    const plain = await firstStep(false)
    const mirrored = await firstStep(true)
    expect([plain.recorded, mirrored.recorded]).toEqual([false, true])
    // Same weights and draws: only the real images differ.
    expect(mirrored.dLoss).not.toBe(plain.dLoss)
  })

  it.each([1, 2])(
    "lecam: no penalty on the first step, then D's loss gains it, the same in replicas; the checkpoint keeps the anchors (workers %i)",
    async (workers) => {
      const run = async (lecam: number, threads: number) => {
        const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
        await train({ outDir, dataset: squares(8), ...SMALL, batchSize: 8, lecam, workers: threads, steps: 2, logEvery: 1 })
        const dLoss = (await readMetrics(outDir)).map((m) => m.dLoss)
        const state = JSON.parse(await readFile(join(outDir, 'checkpoints', 'step-000002', 'state.json'), 'utf8')) as {
          lecamAnchors?: { real: number; fake: number }
        }
        return { dLoss, anchors: state.lecamAnchors }
      }
      const [without, withLecam] = [await run(0, workers), await run(1, workers)]
      expect(without.anchors).toBeUndefined()
      expect(Object.keys(withLecam.anchors!)).toEqual(['real', 'fake'])
      // Step 1 has no anchors, so both runs update alike: step 2's difference is the penalty alone.
      expect(withLecam.dLoss[0]).toBe(without.dLoss[0])
      const penalty = withLecam.dLoss[1]! - without.dLoss[1]!
      expect(penalty).toBeGreaterThan(0)
      if (workers === 2) {
        // Every replica applies the anchors to its share: the penalty is one thread's, up to BatchNorm on half batches.
        const one = await run(1, 1)
        const onePenalty = one.dLoss[1]! - (await run(0, 1)).dLoss[1]!
        expect(Math.abs(penalty - onePenalty) / onePenalty).toBeLessThan(0.1)
      }
    },
  )

  it.each([1, 2])(
    "topK: G's loss counts only the fakes D scores highest once the share drops a row, the batch's quota shared out to the replicas (workers %i); a resumed run continues the schedule",
    async (workers) => {
      const run = async (topK: number, outDir?: string) => {
        const dir = outDir ?? (await mkdtemp(join(tmpdir(), 'gan-train-')))
        // 8 images, batches of 8: an epoch a step, so the share is 0.99^(step − 1), and it drops one
        // fake of the batch's 8 from 0.99^7 = 0.932 (step 8): in two replicas, from the second's 4.
        const options = { dataset: squares(8), ...SMALL, batchSize: 8, loss: 'ns', workers, logEvery: 1 } as const
        if (outDir === undefined) await train({ outDir: dir, ...options, topK, steps: 9 })
        else await train({ outDir: dir, dataset: options.dataset, backend: 'wasm', resume: true, steps: 9 })
        const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { options: { topK: number } }
        return { gLoss: (await readMetrics(dir)).map((m) => m.gLoss), recorded: config.options.topK, dir }
      }
      const [all, top] = [await run(1), await run(0.5)]
      expect([all.recorded, top.recorded]).toEqual([1, 0.5])
      // The same run until a fake is dropped: then the one D likes least, whose non-saturating loss is the largest, no longer counts.
      expect(top.gLoss.slice(0, 7)).toEqual(all.gLoss.slice(0, 7))
      expect(top.gLoss[7]).toBeLessThan(all.gLoss[7]!)
      // Stopped at step 7 and resumed: steps 8 and 9 as the uninterrupted run's.
      const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
      await train({ outDir, dataset: squares(8), ...SMALL, batchSize: 8, loss: 'ns', workers, logEvery: 1, topK: 0.5, steps: 7 })
      expect((await run(0.5, outDir)).gLoss).toEqual(top.gLoss)
    },
  )

  it.each([1, 2])(
    "reconstruction: D's loss gains its decoder's error on the real images, in replicas too, and the decoder learns; the checkpoint keeps it (workers %i)",
    async (workers) => {
      const dataset = squares(8)
      const run = async (reconstruction: number, steps: number) => {
        const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
        // A high rate, so that a few steps move the decoder measurably.
        await train({ outDir, dataset, ...SMALL, batchSize: 8, learningRate: 1e-2, reconstruction, workers, steps, logEvery: 1 })
        const D = await loadLayersModel(join(outDir, 'checkpoints', `step-${String(steps).padStart(6, '0')}`, 'discriminator'))
        const images = tf.tensor4d(
          Float32Array.from(dataset.pixels, (v) => v / 127.5 - 1),
          [8, 8, 8, 1],
        )
        const outputs = [D.predict(images)].flat() as tf.Tensor[]
        const shapes = outputs.map((o) => o.shape)
        const error = outputs[1] && tf.tidy(() => tf.mean(tf.squaredDifference(outputs[1]!, images)).dataSync()[0]!)
        const config = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')) as { options: { reconstruction: number } }
        tf.dispose([images, ...outputs])
        D.dispose()
        return { dLoss: (await readMetrics(outDir))[0]!.dLoss, shapes, error, recorded: config.options.reconstruction }
      }
      const [plain, first, later] = [await run(0, 1), await run(1, 1), await run(1, 30)]
      expect(plain.shapes).toEqual([[8, 1]])
      expect(first.shapes).toEqual([
        [8, 1],
        [8, 8, 8, 1],
      ])
      expect([plain.recorded, first.recorded]).toEqual([0, 1])
      // Same weights and draws; the new decoder starts near 0, and every pixel of the squares is ±1:
      // its error is near 1, in every replica's share.
      expect(first.dLoss - plain.dLoss).toBeCloseTo(1, 1)
      expect(later.error!).toBeLessThan(0.5 * first.error!)
    },
  )

  it("with classLoss, D's loss gains its classifier's cross-entropy on the real images, and the checkpointed D has the classifier", async () => {
    const firstStep = async (classLoss: number) => {
      const outDir = await mkdtemp(join(tmpdir(), 'gan-train-'))
      await train({
        outDir,
        dataset: { ...squares(8), labels: Uint8Array.from({ length: 8 }, (_, n) => n % 2), classNames: ['a', 'b'] },
        conditional: true,
        classLoss,
        ...SMALL,
        steps: 1,
        logEvery: 1,
      })
      const D = await loadLayersModel(join(outDir, 'checkpoints', 'step-000001', 'discriminator'))
      const outputs = D.outputs.map((o) => o.shape)
      D.dispose()
      const config = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')) as { options: { classLoss: number } }
      return { dLoss: (await readMetrics(outDir))[0]!.dLoss, outputs, recorded: config.options.classLoss }
    }
    const without = await firstStep(0)
    const withClass = await firstStep(2)
    expect(without.outputs).toEqual([[null, 1]])
    expect(withClass.outputs).toEqual([
      [null, 1],
      [null, 2],
    ])
    expect(withClass.recorded).toBe(2)
    // Same weights and draws before the first update; the new head starts near 0, so its
    // cross-entropy over 2 classes is near ln 2, times the weight 2.
    expect(withClass.dLoss - without.dLoss).toBeGreaterThan(2 * 0.6)
    expect(withClass.dLoss - without.dLoss).toBeLessThan(2 * 0.8)
  })
})
