import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { access, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readCheckpoint } from './checkpoint.js'
import type { TrainEvent } from './events.js'
import { buildDiscriminator, buildGenerator, type DcganConfig } from './models/dcgan.js'
import { isFeatureBranchWeight } from './models/pretrained-features.js'
import type { TrainOptions } from './options.js'
import { readRunManifest } from './run-manifest.js'
import { squares } from './testing/squares.js'
import { train } from './train.js'
import { flagOf } from './option-flags.js'
import { TRAIN_FLAGS } from './train-flags.js'
import { applyWarmStart, ARCHITECTURE, locateWarmStart } from './warm-start.js'

/** A tiny conditional run with spectral norm, every checkpoint kept. */
const RUN = {
  dataset: squares(8, { channels: 3 }),
  conditional: true,
  spectralNorm: true,
  loss: 'hinge',
  batchSize: 4,
  latentSize: 4,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  logEvery: 1,
  checkpointEvery: 1,
  keepCheckpoints: 0,
  sampleEvery: 10,
  backend: 'wasm',
  workers: 1,
} as const satisfies Partial<TrainOptions>

/** RUN's models, as train() builds them. */
const CFG: DcganConfig = {
  latentSize: 4,
  generatorFilters: [8, 4],
  discriminatorFilters: [4, 8],
  kernelSize: 4,
  seed: 1,
  width: 8,
  height: 8,
  channels: 3,
  classes: 2,
  spectralNorm: true,
}

const tempRun = async (name: string) => join(await mkdtemp(join(tmpdir(), 'gan-warm-')), name)
const values = (model: tfl.LayersModel, pick: (name: string) => boolean) =>
  model.weights.filter((w) => pick(w.name)).map((w) => Array.from(w.read().dataSync()))
const outputOf = (model: tfl.LayersModel, inputs: tf.Tensor[]) => Array.from((model.predict(inputs) as tf.Tensor).dataSync())

describe('warm start (initFrom)', () => {
  let from: string
  let fromFeatures: string
  beforeAll(async () => {
    from = await tempRun('from')
    fromFeatures = await tempRun('from-features')
    await train({ ...RUN, outDir: from, steps: 2 })
    await train({ ...RUN, pretrainedFeatures: true, outDir: fromFeatures, steps: 2 })
  })

  it.each([
    [false, false],
    [false, 'linear'],
    [true, 'linear'],
    [true, false],
    [true, 'projected'],
  ] as const)(
    "copies a checkpoint's generators and discriminator into fresh models; a feature judge only one of them has, or another judge, is not copied (pretrained features %s → %s)",
    async (featuresBefore, judge) => {
      const pretrainedFeatures = judge !== false
      const featureJudge = judge || undefined
      const source = featuresBefore ? fromFeatures : from
      const warm = await locateWarmStart(source, 1, 'runs/elsewhere')
      expect(warm).toMatchObject({ run: resolve(source), step: 1 })
      const to = {
        generator: buildGenerator(CFG),
        liveGenerator: buildGenerator(CFG),
        discriminator: buildDiscriminator({ ...CFG, pretrainedFeatures, featureJudge }),
      }
      const fresh = buildDiscriminator({ ...CFG, pretrainedFeatures, featureJudge })
      await applyWarmStart(warm, to)
      const saved = await readCheckpoint(source, 1)
      const last = await readCheckpoint(source)
      const latent = tf.randomNormal([3, 4], 0, 1, 'float32', 7)
      const label = tf.tensor2d([[0], [1], [0]], [3, 1], 'int32')
      const images = tf.randomUniform([3, 8, 8, 3], -1, 1, 'float32', 8)
      expect(outputOf(to.generator, [latent, label])).toEqual(outputOf(saved.generator, [latent, label]))
      expect(outputOf(to.liveGenerator, [latent, label])).toEqual(outputOf(saved.liveGenerator, [latent, label]))
      // Step 1's, not the last checkpoint's.
      expect(outputOf(to.liveGenerator, [latent, label])).not.toEqual(outputOf(last.liveGenerator, [latent, label]))
      const own = (name: string) => !isFeatureBranchWeight(name)
      expect(values(to.discriminator, own)).toEqual(values(saved.discriminator, own))
      const branch = values(to.discriminator, isFeatureBranchWeight)
      expect(branch.length > 0).toBe(pretrainedFeatures)
      // A judge both have is the checkpoint's (trained: not the initialisers'); one added is a fresh D's.
      const same = judge === (featuresBefore ? 'linear' : false)
      expect(branch).toEqual(pretrainedFeatures ? values(same ? saved.discriminator : fresh, isFeatureBranchWeight) : [])
      if (same && pretrainedFeatures) expect(branch).not.toEqual(values(fresh, isFeatureBranchWeight))
      // An added linear judge has no say yet (its gain starts at 0): D judges exactly as the checkpoint's.
      if (same || (!featuresBefore && judge === 'linear')) {
        expect(outputOf(to.discriminator, [images, label])).toEqual(outputOf(saved.discriminator, [images, label]))
      }
      for (const checkpoint of [saved, last]) {
        checkpoint.dispose()
        for (const model of [checkpoint.generator, checkpoint.liveGenerator, checkpoint.discriminator]) model.dispose()
      }
      for (const model of [...Object.values(to), fresh]) model.dispose()
      tf.dispose([latent, label, images])
    },
  )

  it("a model whose weights do not line up with the checkpoint's is refused, naming the first that differs", async () => {
    const to = {
      generator: buildGenerator(CFG),
      liveGenerator: buildGenerator(CFG),
      discriminator: buildDiscriminator({ ...CFG, discriminatorFilters: [4, 4] }),
    }
    await expect(applyWarmStart(await locateWarmStart(from, undefined, 'runs/elsewhere'), to)).rejects.toMatchObject({
      code: 'ERR_CHECKPOINT',
      message: `[gan-train] the discriminator of ${JSON.stringify(resolve(from))} at step 2 does not fit this run's (weight 3 is [4, 4, 4, 8] there, [4, 4, 4, 4] here): its files differ from what its config.json describes; start from another checkpoint.`,
    })
    for (const model of Object.values(to)) model.dispose()
  })

  it('a warm-started run records where it started, says so, and resumes exactly: its weight average goes on from the age it had', async () => {
    const warm = { ...RUN, pretrainedFeatures: true, initFrom: from, initStep: 1 } as const
    const whole = await tempRun('whole')
    const parts = await tempRun('parts')
    const events: TrainEvent[] = []
    const result = await train({ ...warm, outDir: whole, steps: 3, onEvent: (e) => events.push(e) })
    expect(result).toMatchObject({ startStep: 0, steps: 3 })
    expect(events.find((e) => e.type === 'start')).toMatchObject({ startStep: 0, initFrom: { run: resolve(from), step: 1 } })
    const config = JSON.parse(await readFile(join(whole, 'config.json'), 'utf8'))
    expect(config.options).toMatchObject({ initFrom: resolve(from), initStep: 1, pretrainedFeatures: true, steps: 3 })
    await train({ ...warm, outDir: parts, steps: 2 })
    await train({ outDir: parts, resume: true, steps: 3, dataset: RUN.dataset })
    const weights = async (dir: string) => {
      const checkpoint = join(dir, (await readRunManifest(dir)).generator, '..')
      return Promise.all(['generator', 'generator-live', 'discriminator'].map((p) => readFile(join(checkpoint, p, 'weights.bin'))))
    }
    expect(await weights(parts)).toEqual(await weights(whole))
  })

  it('fine-tunes on other images of the same shape and class count', async () => {
    const outDir = await tempRun('fine-tuned')
    const result = await train({
      ...RUN,
      dataset: { ...squares(12, { channels: 3 }), name: 'more-squares' },
      initFrom: from,
      outDir,
      steps: 1,
    })
    expect(result).toMatchObject({ startStep: 0, steps: 1 })
    const config = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8'))
    expect(config).toMatchObject({ dataset: { name: 'more-squares', count: 12 }, options: { initFrom: resolve(from), initStep: 2 } })
  })

  it('names each model option by its gan-train flag too', () => {
    const keys: Array<keyof TrainOptions> = [...ARCHITECTURE.map(([k]) => k), 'classLoss', 'reconstruction']
    for (const key of keys) expect(TRAIN_FLAGS).toHaveProperty([flagOf(key)])
    expect(flagOf('discriminatorInputFilters')).toBe('discriminator-input-filters')
  })

  it('refuses to start from the directory it would overwrite', async () => {
    await expect(train({ ...RUN, initFrom: from, outDir: `${from}/`, force: true, steps: 1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: `[gan-train] initFrom ${JSON.stringify(from)} is this run's own directory, which the new run would overwrite: pass another outDir (--out), or continue that run with --resume.`,
    })
    expect((await readRunManifest(from)).steps).toBe(2)
  })

  it.each([
    [{ initFrom: 'no/such/run' }, 'initFrom "no/such/run" is not a run to start from ('],
    [{ initStep: 5 }, 'initStep: "FROM" has no checkpoint of step 5 (it keeps 1, 2): pass one of those'],
    [
      { generatorFilters: [4, 4] },
      'initFrom: the run in "FROM" has generatorFilters [8,4], this run [4,4]: a warm start keeps the models\' shapes (all but pretrainedFeatures); pass --generator-filters 8,4 (generatorFilters: [8,4]). That run\'s config.json lists its options.',
    ],
    [{ conditional: false }, 'initFrom: the run in "FROM" has 2 classes, this run 0 classes'],
    [
      { spectralNorm: false },
      "has spectralNorm true, this run false: a warm start keeps the models' shapes (all but pretrainedFeatures); add --spectral-norm (spectralNorm: true)",
    ],
    [
      { classLoss: 0.5 },
      "has classLoss 0, this run 0.5: a warm start keeps the models' shapes (all but pretrainedFeatures); leave classLoss (--class-loss) out",
    ],
  ] as const)('refuses %j before writing anything: %s', async (change, message) => {
    const outDir = await tempRun('refused')
    const options: TrainOptions = { ...RUN, initFrom: from, ...change, outDir, steps: 2 }
    await expect(train(options)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining(message.replaceAll('FROM', from)),
    })
    await expect(access(outDir)).rejects.toThrow()
  })
})
