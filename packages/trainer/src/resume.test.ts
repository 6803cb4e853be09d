import { mkdir, mkdtemp, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { resumeOptions } from './run-config.js'
import { readRunManifest } from './run-manifest.js'
import { train } from './train.js'
import type { TrainEvent } from './events.js'
import type { TrainOptions } from './options.js'
import type { LabelConditioning } from './models/dcgan.js'
import { squares } from './testing/squares.js'
import { readMetrics } from './metrics.js'

/** Every model feature at once, tiny: conditional (the class embedding concatenated, or class-conditional batch norms) with a class loss, LeCam, the reconstruction loss, mirrored images, spectral norm (the projection's too), DiffAugment, hinge loss, standing statistics. */
const RUN = {
  dataset: squares(12, { channels: 3 }),
  conditional: true,
  labelConditioning: 'concat',
  classLoss: 0.5,
  lecam: 0.3,
  reconstruction: 0.5,
  mirror: true,
  spectralNorm: true,
  spectralNormProjection: true,
  augment: ['translation', 'cutout', 'color'],
  loss: 'hinge',
  standingStats: 2,
  batchSize: 4,
  latentSize: 4,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  logEvery: 1,
  checkpointEvery: 3,
  sampleEvery: 2,
  backend: 'wasm',
} as const satisfies Partial<TrainOptions>

const losses = async (dir: string) => (await readMetrics(dir)).map(({ step, dLoss, gLoss }) => ({ step, dLoss, gLoss }))

async function weights(dir: string): Promise<Record<string, string>> {
  const manifest = await readRunManifest(dir)
  const checkpoint = join(dir, manifest.generator, '..')
  const out: Record<string, string> = {}
  for (const part of ['generator', 'generator-live', 'discriminator']) {
    out[part] = (await readFile(join(checkpoint, part, 'weights.bin'))).toString('base64')
  }
  return out
}

describe('resume', () => {
  // workers 2: worker threads hold replicas of the models, started from the checkpoint when resuming.
  it.each([
    [1, 'transposed', 'plain', 'zeros'],
    [2, 'transposed', 'plain', 'zeros'],
    [2, 'nearest', 'plain', 'zeros'],
    [1, 'transposed', 'residual', 'zeros'],
    [2, 'nearest', 'residual', 'zeros'],
    // Reflection padding changes no weight's shape: only config.json can bring it back.
    [2, 'transposed', 'residual', 'reflect'],
    [2, 'transposed', 'plain', 'zeros', true],
    // The projected judge on images enlarged twice, and a blur still fading when the run stops (blurSteps 5).
    [2, 'transposed', 'plain', 'zeros', 'projected'],
    // Class-conditional batch norms: on the Dense's features (plain) and on feature maps (residual).
    [1, 'transposed', 'plain', 'zeros', false, 'batchnorm'],
    [2, 'transposed', 'residual', 'zeros', false, 'batchnorm'],
  ] as const)(
    'a resumed run retraces an uninterrupted one: the same losses and weights, bit for bit (workers %i, %s upsampling, %s generator, %s padding, pretrained features %s, label conditioning %s)',
    async (
      workers,
      upsampling,
      generatorBlocks,
      generatorPadding,
      features: boolean | 'projected' = false,
      labelConditioning: LabelConditioning = RUN.labelConditioning,
    ) => {
      const whole = join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')
      const parts = join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')
      const pretrainedFeatures = features !== false
      const model = {
        upsampling,
        generatorBlocks,
        generatorPadding,
        pretrainedFeatures,
        labelConditioning,
        ...(features === 'projected' ? { featureJudge: 'projected' as const, featureUpsampling: 2, blurSteps: 5 } : {}),
      }
      await train({ ...RUN, ...model, workers, outDir: whole, steps: 6 })
      const first = await train({ ...RUN, ...model, workers, outDir: parts, steps: 4 })
      expect(first.steps).toBe(4)
      const events: string[] = []
      const second = await train({ outDir: parts, resume: true, steps: 6, dataset: RUN.dataset, onEvent: (e) => events.push(e.type) })
      expect(second).toMatchObject({ startStep: 4, steps: 6 })
      expect(events.filter((t) => t === 'progress')).toHaveLength(2)
      expect(await losses(parts)).toEqual(await losses(whole))
      expect(await weights(parts)).toEqual(await weights(whole))
      expect(await readdir(join(parts, 'samples'))).toEqual(['step-000002.png', 'step-000004.png', 'step-000006.png'])
      const manifest = await readRunManifest(parts)
      expect(manifest).toMatchObject({ steps: 6, labels: ['red', 'blue'], channels: 3 })
      const config = JSON.parse(await readFile(join(parts, 'config.json'), 'utf8'))
      expect(config).toMatchObject({
        format: 'gan-train-config',
        dataset: { kind: 'memory', name: 'squares', count: 12, classes: ['red', 'blue'] },
        options: {
          steps: 6,
          conditional: true,
          labelConditioning,
          upsampling,
          generatorBlocks,
          generatorPadding,
          pretrainedFeatures,
          ...(pretrainedFeatures
            ? { featureJudge: features === 'projected' ? 'projected' : 'linear', featureUpsampling: features === 'projected' ? 2 : 1 }
            : {}),
          blurSteps: features === 'projected' ? 5 : 0,
          spectralNorm: true,
          spectralNormProjection: true,
          classLoss: 0.5,
          lecam: 0.3,
          loss: 'hinge',
          augment: ['translation', 'cutout', 'color'],
          standingStats: 2,
          workers,
        },
      })
    },
  )

  it.each([1, 2])(
    'a run annealed when resumed (learningRateDecaySteps), and stopped and resumed again, retraces one annealed from the start (workers %i)',
    async (workers) => {
      const dirs = await Promise.all([0, 1, 2].map(async () => join(await mkdtemp(join(tmpdir(), 'gan-anneal-')), 'run')))
      const [annealed, resumed, constant] = dirs as [string, string, string]
      await train({ ...RUN, workers, outDir: annealed, steps: 6, learningRateDecaySteps: 3 })
      await train({ ...RUN, workers, outDir: resumed, steps: 3 })
      // Stopped once more inside the decay: replicas restarted at step 5 must take up its rates too.
      const stop = new AbortController()
      const onEvent = (e: TrainEvent) => e.type === 'progress' && e.step === 5 && stop.abort()
      const resume = { outDir: resumed, resume: true, steps: 6, dataset: RUN.dataset } as const
      await train({ ...resume, learningRateDecaySteps: 3, signal: stop.signal, onEvent })
      expect((await readMetrics(resumed)).at(-1)!.step).toBe(5)
      await train(resume)
      await train({ ...RUN, workers, outDir: constant, steps: 6 })
      expect(await losses(resumed)).toEqual(await losses(annealed))
      expect(await weights(resumed)).toEqual(await weights(annealed))
      expect(JSON.parse(await readFile(join(resumed, 'config.json'), 'utf8')).options).toMatchObject({ learningRateDecaySteps: 3 })
      // Steps 1–4 run at the full rate (step 4 is the decay's first, at 3/3 of it); step 5's G loss
      // is the first taken after a lowered update.
      const [a, c] = [await losses(annealed), await losses(constant)]
      expect(a.slice(0, 4)).toEqual(c.slice(0, 4))
      expect(a[4]!.gLoss).not.toBe(c[4]!.gLoss)
      expect(await weights(annealed)).not.toEqual(await weights(constant))
    },
  )

  it.each([1, 2])("the discriminator's own rate (TTUR) is D's alone, and config.json keeps it (workers %i)", async (workers) => {
    const dirs = await Promise.all([0, 1].map(async () => join(await mkdtemp(join(tmpdir(), 'gan-ttur-')), 'run')))
    const [ttur, same] = dirs as [string, string]
    // D updates first in a step, from the same weights and draws: at D's rate, D ends the step the
    // same in both runs; G then updates at its own rate.
    await train({ ...RUN, workers, outDir: ttur, steps: 1, learningRate: 1e-3, discriminatorLearningRate: 3e-3 })
    await train({ ...RUN, workers, outDir: same, steps: 1, learningRate: 3e-3 })
    const [a, b] = [await weights(ttur), await weights(same)]
    expect(a.discriminator).toEqual(b.discriminator)
    expect(a['generator-live']).not.toEqual(b['generator-live'])
    expect(JSON.parse(await readFile(join(ttur, 'config.json'), 'utf8')).options).toMatchObject({
      learningRate: 1e-3,
      discriminatorLearningRate: 3e-3,
    })
  })

  it('standing statistics may change when resuming: what is saved changes, training does not', async () => {
    const dirs = await Promise.all([0, 1].map(async () => join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')))
    const [whole, parts] = dirs as [string, string]
    await train({ ...RUN, outDir: whole, steps: 4 })
    await train({ ...RUN, outDir: parts, steps: 2 })
    await train({ outDir: parts, resume: true, steps: 4, dataset: RUN.dataset, standingStats: 0 })
    expect(await losses(parts)).toEqual(await losses(whole))
    const [a, b] = [await weights(parts), await weights(whole)]
    expect([a['generator-live'], a.discriminator]).toEqual([b['generator-live'], b.discriminator])
    expect(a.generator).not.toEqual(b.generator)
    expect(JSON.parse(await readFile(join(parts, 'config.json'), 'utf8')).options).toMatchObject({ standingStats: 0 })
  })

  it('a run whose config.json predates the workers option resumes in one thread, unless told otherwise', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')
    await train({ ...RUN, outDir, steps: 2, workers: 2 })
    const path = join(outDir, 'config.json')
    const config = JSON.parse(await readFile(path, 'utf8'))
    delete config.options.workers
    await writeFile(path, JSON.stringify(config))
    expect((await resumeOptions({ outDir, dataset: RUN.dataset })).options.workers).toBe(1)
    expect((await resumeOptions({ outDir, dataset: RUN.dataset, workers: 'auto' })).options.workers).toBe('auto')
  })

  it('a conditional run whose config.json predates labelConditioning resumes multiplying, the way it trained', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')
    await train({ ...RUN, labelConditioning: 'multiply', outDir, steps: 2, workers: 2 })
    const path = join(outDir, 'config.json')
    const config = JSON.parse(await readFile(path, 'utf8'))
    expect(config.options.labelConditioning).toBe('multiply')
    delete config.options.labelConditioning
    await writeFile(path, JSON.stringify(config))
    expect((await resumeOptions({ outDir, dataset: RUN.dataset })).options.labelConditioning).toBeUndefined()
    // Both replicas rebuild a multiplying generator and load its checkpoint.
    await train({ outDir, dataset: RUN.dataset, resume: true, steps: 3 })
    expect(await readRunManifest(outDir)).toMatchObject({ steps: 3 })
    const unconditional = join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')
    await train({
      ...RUN,
      conditional: false,
      classLoss: 0,
      spectralNormProjection: false,
      labelConditioning: 'multiply',
      outDir: unconditional,
      steps: 1,
    })
    expect(JSON.parse(await readFile(join(unconditional, 'config.json'), 'utf8')).options).not.toHaveProperty('labelConditioning')
  })

  it('a run whose config.json predates upsampling resumes with transposed convolutions, the way it trained', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')
    await train({ ...RUN, outDir, steps: 2, workers: 2 })
    const path = join(outDir, 'config.json')
    const config = JSON.parse(await readFile(path, 'utf8'))
    expect(config.options.upsampling).toBe('transposed')
    delete config.options.upsampling
    await writeFile(path, JSON.stringify(config))
    // Both replicas rebuild the generator from the config and load the checkpoint's weights: a
    // nearest-upsampling one could not take its transposed convolutions'.
    await train({ outDir, dataset: RUN.dataset, resume: true, steps: 3 })
    expect(await readRunManifest(outDir)).toMatchObject({ steps: 3 })
  })

  it('resumes a folder run whose images moved, given the new folder; refuses another dataset', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gan-resume-moved-'))
    const folder = join(root, 'photos')
    await mkdir(folder)
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 40 * i, g: 200, b: 90 } } })
          .png()
          .toFile(join(folder, `${i}.png`)),
      ),
    )
    const tiny = { batchSize: 4, latentSize: 4, generatorFilters: [8, 4], discriminatorFilters: [4, 8], size: 28, backend: 'wasm' } as const
    const outDir = join(root, 'run')
    await train({ ...tiny, dataset: folder, outDir, steps: 1 })
    const moved = join(root, 'moved')
    await rename(folder, moved)
    await expect(train({ outDir, resume: true, steps: 2 })).rejects.toMatchObject({
      code: 'ERR_RESUME',
      message: expect.stringContaining(
        `which is no folder now: if they moved, pass their new folder (gan-train <folder> --resume ${outDir})`,
      ),
    })
    await expect(train({ outDir, resume: true, steps: 2, dataset: 'emoji' })).rejects.toMatchObject({
      code: 'ERR_RESUME',
      message: expect.stringContaining('leave it out, or pass the folder its images have moved to'),
    })
    expect(await train({ outDir, resume: true, steps: 2, dataset: moved })).toMatchObject({ startStep: 1, steps: 2 })
    expect(await readRunManifest(outDir)).toMatchObject({ name: 'photos-dcgan', dataset: 'photos' })
    // The run now knows where its images are: the next resume needs no dataset.
    expect(JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')).dataset.path).toBe(resolve(moved))
    expect(await train({ outDir, resume: true, steps: 3 })).toMatchObject({ startStep: 2, steps: 3 })
  })

  it('refuses what would not continue the same run, with ERR_RESUME saying why', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'gan-resume-')), 'run')
    await expect(train({ outDir, resume: true })).rejects.toMatchObject({
      code: 'ERR_RESUME',
      message: expect.stringContaining('has no run to resume'),
    })
    await train({ ...RUN, outDir, steps: 2 })
    const resume = (extra: Partial<TrainOptions>) => train({ outDir, resume: true, dataset: RUN.dataset, ...extra })
    await expect(resume({ learningRate: 0.1 })).rejects.toMatchObject({
      code: 'ERR_RESUME',
      message: expect.stringContaining('learningRate is fixed by the run being resumed'),
    })
    // Checked before the images load (no 'data' event), from gan.json's steps.
    const events: string[] = []
    await expect(resume({ steps: 2, onEvent: (e) => events.push(e.type) })).rejects.toThrow(
      'has trained 2 steps already, and steps is 2: pass a larger total, e.g. --steps 4.',
    )
    expect(events).toEqual([])
    // Steps 1–2 ran at the full rate: a decay may not reach back over them.
    await expect(resume({ steps: 4, learningRateDecaySteps: 3 })).rejects.toMatchObject({
      code: 'ERR_RESUME',
      message: expect.stringContaining(
        'a decay over the last 3 of 4 steps would start at step 2, before the checkpoint at step 2, which trained on another schedule: use at most --lr-decay-steps 2, or a larger --steps.',
      ),
    })
    await expect(resume({ dataset: squares(10, { channels: 3 }), steps: 4 })).rejects.toThrow(
      'the images of "squares" changed since the run started',
    )
    await expect(resume({ dataset: { ...RUN.dataset, classNames: ['red', 'navy'] }, steps: 4 })).rejects.toThrow(
      'the classes of "squares" changed since the run started (["red","blue"] then, ["red","navy"] now)',
    )
    await expect(train({ outDir, resume: true, steps: 4 })).rejects.toThrow(
      'trained on in-memory images ("squares"): pass the same dataset',
    )
    // A signal while resuming starts up leaves the checkpoint as it was.
    const before = await weights(outDir)
    const controller = new AbortController()
    controller.abort()
    expect(await resume({ steps: 4, signal: controller.signal })).toMatchObject({ steps: 2, startStep: 2 })
    expect(await weights(outDir)).toEqual(before)
    expect((await readRunManifest(outDir)).steps).toBe(2)
  })
})
