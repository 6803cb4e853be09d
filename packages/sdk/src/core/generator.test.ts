import { createHash } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { parseKnownModel, type KnownModel } from './known-model.js'
import { tinyGenerator, type TinyGeneratorSpec } from '../testing/tiny-generator.js'
import { GeneratorBase } from './generator.js'
import { readModelInfo, type ModelInfo } from './model-info.js'
import { PixelConverter } from './kernels/pixels.js'
import type { LoadOptions } from './options.js'
import type { ModelSource, Runtime } from './runtime.js'
import type { InferenceSessionLike } from './session.js'
import { seedToLatent } from './seed.js'
import { rejectionOf } from '../testing/gan-error.js'

/**
 * A fake runtime session: pixel j of image n is latent[n][j mod z] / 3, clamped to the range. Runs
 * resolve after `delay(run index)` ms, so concurrent runs can finish out of order, and fail when the
 * session was released meanwhile.
 */
function fakeSession(model: ModelInfo, delay: (run: number) => number = () => 0) {
  const { latentSize, width, height, channels } = model.contract
  const perImage = width * height * channels
  const runs: number[] = []
  let released = 0
  const session: InferenceSessionLike = {
    async run(latents, batch) {
      const index = runs.push(batch) - 1
      const out = Float32Array.from({ length: batch * perImage }, (_, i) =>
        Math.max(-1, Math.min(1, latents[Math.floor(i / perImage) * latentSize + ((i % perImage) % latentSize)]! / 3)),
      )
      await new Promise((resolve) => setTimeout(resolve, delay(index)))
      if (released > 0) throw new Error('Session already disposed') // as onnxruntime-node does
      return out
    },
    async release() {
      released++
    },
  }
  return { session, runs, released: () => released }
}

class TestGenerator extends GeneratorBase {
  static async create(session: InferenceSessionLike, model: ModelInfo): Promise<TestGenerator> {
    return new TestGenerator({ session, model, pixels: PixelConverter.create(), device: 'cpu', fallbacks: [], modelSha256: '0'.repeat(64) })
  }

  static openWith(runtime: Runtime, source: ModelSource, options: LoadOptions) {
    return GeneratorBase.open(runtime, source, options)
  }
}

async function setup(spec: TinyGeneratorSpec = {}, delay?: (run: number) => number) {
  const model = readModelInfo(tinyGenerator({ latentSize: 6, width: 3, height: 2, ...spec }))
  const fake = fakeSession(model, delay)
  return { generator: await TestGenerator.create(fake.session, model), ...fake, model }
}

const bytesOf = (images: Array<{ data: Uint8Array }>) => images.map((i) => Array.from(i.data))

describe('GeneratorBase', () => {
  it('generateBatch makes ONE run for the whole batch, images in seed order, equal to single generations', async () => {
    const { generator, runs } = await setup()
    const seeds = [5, 'five', 0, 2 ** 40]
    const batch = await generator.generateBatch(seeds)
    expect(runs).toEqual([4])
    expect(batch.map((i) => i.seed)).toEqual(seeds)
    const singles = []
    for (const seed of seeds) singles.push(await generator.generate(seed))
    expect(bytesOf(batch)).toEqual(bytesOf(singles))
    expect(batch[0]).toMatchObject({ width: 3, height: 2, channels: 1 })
    expect(batch[0]!.data.length).toBe(3 * 2 * 4)
  })

  it('feeds each seed its own latent from the seed contract', async () => {
    const { generator, model } = await setup({ width: 6, height: 1 })
    const [image] = await generator.generateBatch([42])
    const z = seedToLatent(42, 6)
    const expected = Array.from(z, (v) => Math.min(255, Math.max(0, Math.floor((Math.max(-1, Math.min(1, v / 3)) + 1) * 127.5 + 0.5))))
    expect(Array.from({ length: 6 }, (_, p) => image!.data[p * 4])).toEqual(expected)
    expect(model.contract.latentSize).toBe(6)
  })

  it('concurrent generate calls give the same bytes as sequential ones, even when runs finish out of order', async () => {
    const { generator } = await setup({}, (run) => (run % 3) * 5)
    const seeds = Array.from({ length: 9 }, (_, i) => i * 11)
    const concurrent = await Promise.all(seeds.map((s) => generator.generate(s)))
    const sequential = []
    for (const s of seeds) sequential.push(await generator.generate(s))
    expect(concurrent.map((i) => i.seed)).toEqual(seeds)
    expect(bytesOf(concurrent)).toEqual(bytesOf(sequential))
  })

  it('runs a fixed-batch model in chunks of its batch size, padding the last', async () => {
    const { generator, runs } = await setup({ batch: 4 })
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    const images = await generator.generateBatch(seeds)
    expect(runs).toEqual([4, 4, 4])
    expect(images.map((i) => i.seed)).toEqual(seeds)
    expect(bytesOf([images[9]!])).toEqual(bytesOf([await generator.generate(10)]))
  })

  it('validates every seed before running anything', async () => {
    const { generator, runs } = await setup()
    const sparse = [1, 2, 3]
    delete sparse[1]
    expect((await rejectionOf(generator.generateBatch([1, 2, -3]))).message).toMatch(/seed -3 is negative/)
    expect((await rejectionOf(generator.generateBatch(sparse))).message).toMatch(/seed undefined is not a number or string/)
    expect((await rejectionOf(generator.generateBatch(7 as never))).message).toMatch(/seeds 7 are not an array/)
    expect(await generator.generateBatch([])).toEqual([])
    expect(runs).toEqual([])
  })

  it('wraps runtime failures in ERR_INFERENCE and wrong output sizes in ERR_NOT_A_GENERATOR', async () => {
    const { model } = await setup()
    const failing = await TestGenerator.create({ run: () => Promise.reject(new Error('boom')), release: async () => {} }, model)
    const err = await rejectionOf(failing.generate(1))
    expect(err.code).toBe('ERR_INFERENCE')
    expect(err.message).toBe('[gan-sdk] the model failed to run on a batch of 1: boom')
    expect((err.cause as Error).message).toBe('boom')
    const short = await TestGenerator.create({ run: async () => new Float32Array(5), release: async () => {} }, model)
    expect((await rejectionOf(short.generate(1))).message).toMatch(/the model returned 5 values for a batch of 1, but 3×2×1 images need 6/)
  })

  it('dispose waits for runs in flight, releases once, and later calls fail with ERR_DISPOSED', async () => {
    const { generator, released } = await setup({}, () => 20)
    const inFlight = generator.generate(1)
    await generator.dispose()
    expect((await inFlight).seed).toBe(1)
    await generator.dispose()
    expect(released()).toBe(1)
    const err = await rejectionOf(generator.generate(2))
    expect(err.code).toBe('ERR_DISPOSED')
    expect(err.message).toMatch(/load a new one with Generator\.load\(\)/)
  })

  it('info is the frozen contract', async () => {
    const { generator } = await setup()
    expect(generator.info).toMatchObject({ latentSize: 6, width: 3, height: 2, channels: 1 })
    expect(() => {
      ;(generator.info as { width: number }).width = 1
    }).toThrow(TypeError)
  })
})

describe('GeneratorBase.open', () => {
  const runtimeFor = (bytes: Uint8Array) => {
    const runtime: Runtime = {
      readModel: vi.fn(async () => bytes),
      auto: ['cpu'],
      unavailable: () => undefined,
      fix: () => 'no fix',
      createSession: vi.fn(async (_, model) => fakeSession(model).session),
    }
    return runtime
  }

  it('reads a path through the runtime, or takes bytes as they are', async () => {
    const bytes = tinyGenerator()
    const runtime = runtimeFor(bytes)
    const { model } = await TestGenerator.openWith(runtime, 'model.onnx', { range: [0, 1] })
    expect(runtime.readModel).toHaveBeenCalledWith('model.onnx')
    expect(model.contract.range).toEqual([0, 1])
    await TestGenerator.openWith(runtime, bytes, {})
    expect(runtime.readModel).toHaveBeenCalledTimes(1)
    expect(runtime.createSession).toHaveBeenCalledTimes(2)
  })

  it('uses what the platform recorded about a bundled model only while its bytes still have the recorded hash, and no contract option is given', async () => {
    const bytes = tinyGenerator()
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const real = readModelInfo(bytes)
    // A record that differs from the file in its name, so the test sees which one was used.
    const recorded = { ...real, contract: Object.freeze({ ...real.contract, name: 'as recorded' }) }
    const opened = async (known: KnownModel, options: LoadOptions = {}) => {
      const runtime = { ...runtimeFor(bytes), knownModel: vi.fn(async () => known) }
      const { model, modelSha256 } = await TestGenerator.openWith(runtime, 'bundled.onnx', options)
      return { name: model.contract.name, modelSha256 }
    }
    expect(await opened({ sha256, info: recorded })).toEqual({ name: 'as recorded', modelSha256: sha256 })
    expect(await opened({ sha256: '0'.repeat(64), info: recorded })).toEqual({ name: real.contract.name, modelSha256: sha256 })
    expect(await opened({ sha256, info: recorded }, { range: [0, 1] })).toMatchObject({ name: real.contract.name })
  })

  it('a recorded model is parsed back frozen, and anything else is no record', () => {
    const { info } = parseKnownModel(JSON.stringify({ sha256: 'ab', info: readModelInfo(tinyGenerator({ labels: ['a', 'b'] })) }))!
    expect(Object.isFrozen(info.contract) && Object.isFrozen(info.contract.range) && Object.isFrozen(info.contract.labels)).toBe(true)
    expect(info.contract.labels).toEqual(['a', 'b'])
    for (const json of ['', '{', 'null', '{"sha256":"ab"}', '{"info":{"contract":{}}}']) expect(parseKnownModel(json)).toBeUndefined()
  })

  it('rejects bad options and sources before reading anything', async () => {
    const runtime = runtimeFor(tinyGenerator())
    expect((await rejectionOf(TestGenerator.openWith(runtime, 'model.onnx', { layout: 'CHW' as never }))).code).toBe('ERR_INVALID_OPTION')
    const err = await rejectionOf(TestGenerator.openWith(runtime, 42 as never, {}))
    expect(err.message).toBe('[gan-sdk] model 42 is not a model source: pass a path, a URL, or the .onnx bytes as a Uint8Array.')
    expect(runtime.readModel).not.toHaveBeenCalled()
  })
})
