import { decode } from 'fast-png'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GanError, generate, Generator } from './index.node.js'
import { tinyGenerator } from './testing/tiny-generator.js'

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(GanError)
    return (err as GanError).code
  }
  return undefined
}

describe('Generator (onnxruntime-node)', () => {
  it('generates RGBA images from NHWC and NCHW models, identical for the same seed', async () => {
    for (const layout of ['NHWC', 'NCHW'] as const) {
      const g = await Generator.load(tinyGenerator({ layout, channels: 3, width: 4, height: 3 }))
      const a = await g.generate(5)
      expect([a.width, a.height, a.channels, a.data.length]).toEqual([4, 3, 3, 4 * 3 * 4])
      expect(Buffer.from((await g.generate(5)).data).equals(Buffer.from(a.data))).toBe(true)
      expect(Buffer.from((await g.generate(6)).data).equals(Buffer.from(a.data))).toBe(false)
      await g.dispose()
    }
  })

  it('NHWC and NCHW exports of the same weights give the same pixels', async () => {
    // One channel: both layouts hold the same element order, so the images must match.
    const nhwc = await Generator.load(tinyGenerator({ layout: 'NHWC', channels: 1 }))
    const nchw = await Generator.load(tinyGenerator({ layout: 'NCHW', channels: 1 }))
    expect(Buffer.from((await nhwc.generate(3)).data).equals(Buffer.from((await nchw.generate(3)).data))).toBe(true)
  })

  it('a batch equals single generations, and concurrent calls equal sequential ones', async () => {
    const g = await Generator.load(tinyGenerator({ latentSize: 16, width: 8, height: 8 }))
    const seeds = Array.from({ length: 12 }, (_, i) => i * 7)
    const batch = await g.generateBatch(seeds)
    const sequential = []
    for (const s of seeds) sequential.push(await g.generate(s))
    const concurrent = await Promise.all(seeds.map((s) => g.generate(s)))
    seeds.forEach((_, i) => {
      expect(Buffer.from(batch[i]!.data).equals(Buffer.from(sequential[i]!.data))).toBe(true)
      expect(Buffer.from(concurrent[i]!.data).equals(Buffer.from(sequential[i]!.data))).toBe(true)
    })
  })

  it('loads a foreign [N, z, 1, 1] → NCHW model without metadata', async () => {
    const g = await Generator.load(tinyGenerator({ inputRank: 4, layout: 'NCHW', channels: 3, width: 5, metadata: false }))
    expect(g.info).toMatchObject({ layout: 'NCHW', channels: 3, license: 'unknown' })
    expect((await g.generate('x')).data.length).toBe(5 * 3 * 4)
  })

  it('toPNG round-trips', async () => {
    const g = await Generator.load(tinyGenerator({ channels: 1, width: 4, height: 3 }))
    const img = await g.generate(1)
    const png = decode(img.toPNG())
    expect([png.width, png.height, png.channels]).toEqual([4, 3, 1])
    expect(Array.from(png.data)).toEqual(Array.from({ length: 12 }, (_, p) => img.data[p * 4]))
  })

  it('typed errors for bad input', async () => {
    expect(await codeOf(Generator.load('/nonexistent/model.onnx'))).toBe('ERR_MODEL_NOT_FOUND')
    expect(await codeOf(Generator.load('/tmp'))).toBe('ERR_MODEL_NOT_FOUND')
    expect(await codeOf(Generator.load(new TextEncoder().encode('junk')))).toBe('ERR_MODEL_FORMAT')
    expect(await codeOf(Generator.load(tinyGenerator({}), { layout: 'CHW' as never }))).toBe('ERR_INVALID_OPTION')
    expect(await codeOf(Generator.load(tinyGenerator({}), { bogus: 1 } as never))).toBe('ERR_INVALID_OPTION')
    const g = await Generator.load(tinyGenerator({}))
    expect(await codeOf(g.generate(Number.NaN))).toBe('ERR_INVALID_SEED')
    expect(await codeOf(g.generateBatch([1, 2, -3]))).toBe('ERR_INVALID_SEED')
    await g.dispose()
    expect(await codeOf(g.generate(1))).toBe('ERR_INVALID_OPTION')
  })

  it('does not mutate the caller options object', async () => {
    const options = Object.freeze({ range: Object.freeze([-1, 1] as const) })
    await Generator.load(tinyGenerator({}), options)
    expect(options).toEqual({ range: [-1, 1] })
  })
})

describe('bundled MNIST model', () => {
  it('is in the package (copied by the build) and generate(seed) makes a non-blank 28×28 digit', async () => {
    expect(existsSync(new URL('../assets/mnist.onnx', import.meta.url))).toBe(true)
    const img = await generate(42)
    expect([img.width, img.height, img.channels]).toEqual([28, 28, 1])
    const png = decode(img.toPNG())
    expect([png.width, png.height]).toEqual([28, 28])
    const grey = Array.from({ length: 784 }, (_, p) => img.data[p * 4]!)
    const ink = grey.filter((v) => v > 128).length
    // A digit: some ink, mostly background.
    expect(ink).toBeGreaterThan(20)
    expect(ink).toBeLessThan(400)
    expect(Buffer.from((await generate(42)).data).equals(Buffer.from(img.data))).toBe(true)
  })

  it('reports its contract', async () => {
    const g = await Generator.load()
    expect(g.info).toMatchObject({ latentSize: 100, width: 28, height: 28, channels: 1, layout: 'NHWC', range: [-1, 1], latentDistribution: 'normal', license: 'MIT' })
    await g.dispose()
  })
})
