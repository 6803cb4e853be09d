import { createHash } from 'node:crypto'
import { decode } from 'fast-png'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { grid, readProvenance } from '../core/image.js'
import { seedToInteger, seedToLatent } from '../core/seed.js'
import { SDK_VERSION } from '../core/version.js'
import { rejectionOf } from '../testing/gan-error.js'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { Generator } from './node-generator.js'

const same = (a: { data: Uint8Array }, b: { data: Uint8Array }) => Buffer.from(a.data).equals(Buffer.from(b.data))
const MNIST = new URL('../../../../models/mnist/mnist.onnx', import.meta.url)
const CLASSES = ['cat', 'dog', 'owl']
const conditional = () => tinyGenerator({ latentSize: 6, width: 3, height: 2, labels: CLASSES })

describe('latents', () => {
  it('latent(seed) is the seed contract in the model’s distribution, truncation scales it toward 0 in float32', async () => {
    const g = await Generator.load(tinyGenerator({ latentSize: 16, metadata: { latentDistribution: 'uniform' } }))
    expect(g.latent(7)).toEqual(seedToLatent(7, 16, { distribution: 'uniform' }))
    const z = g.latent('x')
    expect(g.latent('x', { truncation: 0.5 })).toEqual(Float32Array.from(z, (v) => Math.fround(v * 0.5)))
  })

  it('fromLatent(latent(seed)) is generate(seed); fromLatents batches; images made from latents have no seed', async () => {
    const g = await Generator.load(readFileSync(MNIST))
    // The bundled model is conditional: a latent has no seed to draw its class from, so it takes a label.
    expect((await rejectionOf(g.fromLatent(g.latent(42)))).code).toBe('ERR_INVALID_LABEL')
    const made = await g.fromLatent(g.latent(42), { label: '2' }) // seed 42's own class: 42 mod 10
    expect(same(made, await g.generate(42))).toBe(true)
    expect(made.seed).toBeUndefined()
    const many = await g.fromLatents([g.latent(1), g.latent(2), g.latent(3)], { batchSize: 2, label: 2 })
    expect(many.map((image, i) => same(image, i === 0 ? made : image))).toEqual([false, true, true])
    const wrong = await rejectionOf(g.fromLatent(new Float32Array(3)))
    expect(wrong.message).toBe("[gan-sdk] latent 0 is 3 floats: pass a Float32Array of the model's 100 (info.latentSize).")
  })
})

describe('truncation', () => {
  it('ψ = 1 is off; ψ < 1 generates from the scaled latent and is recorded on the image', async () => {
    const g = await Generator.load(readFileSync(MNIST))
    expect(same(await g.generate(5, { truncation: 1 }), await g.generate(5))).toBe(true)
    const truncated = await g.generate(5, { truncation: 0.5 })
    expect(truncated.truncation).toBe(0.5)
    expect(same(truncated, await g.fromLatent(g.latent(5, { truncation: 0.5 }), { label: '5' }))).toBe(true)
    expect(same(truncated, await g.generate(5))).toBe(false)
    expect((await rejectionOf(g.generate(5, { truncation: 0 }))).code).toBe('ERR_INVALID_OPTION')
  })
})

describe('generateBatch', () => {
  it('splits a request into runs of batchSize with the same images, and keeps float output on request', async () => {
    const g = await Generator.load(tinyGenerator({ channels: 3 }))
    const seeds = Array.from({ length: 11 }, (_, i) => i)
    const whole = await g.generateBatch(seeds)
    const chunked = await g.generateBatch(seeds, { batchSize: 3, keepFloat: true })
    expect(chunked.every((image, i) => same(image, whole[i]!))).toBe(true)
    const { float, data } = chunked[4]!
    expect(float).toHaveLength(4 * 3 * 3)
    // The bytes are the floats mapped from [-1, 1] onto 0…255.
    expect(data[0]).toBe(Math.min(255, Math.max(0, Math.trunc((float![0]! + 1) * 127.5 + 0.5))))
    expect(whole[0]!.float).toBeUndefined()
    expect((await rejectionOf(g.generateBatch(seeds, { batchSize: 0 }))).message).toMatch(/^\[gan-sdk\] batchSize 0 is invalid/)
    expect((await rejectionOf(g.generateBatch(seeds, { bogus: true } as never))).message).toMatch(/option "bogus" is unknown/)
  })
})

describe('interpolate', () => {
  it.each(['slerp', 'lerp'] as const)('%s: steps images, the first generate(seedA) and the last generate(seedB)', async (method) => {
    const g = await Generator.load(readFileSync(MNIST))
    const frames = await g.interpolate(3, 'b', 6, { method })
    expect(frames).toHaveLength(6)
    expect(same(frames[0]!, await g.generate(3))).toBe(true)
    expect(same(frames[5]!, await g.generate('b'))).toBe(true)
    expect([frames[0]!.seed, frames[2]!.seed, frames[5]!.seed]).toEqual([3, undefined, 'b'])
    expect(same(frames[2]!, frames[3]!)).toBe(false)
  })

  it('slerp keeps the midpoint’s latent length typical; lerp shrinks it', async () => {
    const g = await Generator.load(readFileSync(MNIST))
    const { interpolateLatents } = await import('../core/interpolate.js')
    const norm = (z: Float32Array) => Math.hypot(...z)
    const [a, b] = [g.latent(1), g.latent(2)]
    const slerpMid = interpolateLatents(a, b, 3, 'slerp')[1]!
    const lerpMid = interpolateLatents(a, b, 3, 'lerp')[1]!
    expect(norm(slerpMid)).toBeGreaterThan(0.95 * Math.min(norm(a), norm(b)))
    expect(norm(lerpMid)).toBeLessThan(0.85 * Math.min(norm(a), norm(b)))
  })

  it('rejects bad steps and methods', async () => {
    const g = await Generator.load(tinyGenerator())
    expect((await rejectionOf(g.interpolate(1, 2, 1))).message).toMatch(/^\[gan-sdk\] steps 1 is invalid: pass an integer from 2 to 10000/)
    expect((await rejectionOf(g.interpolate(1, 2, 3, { method: 'cubic' as never }))).message).toMatch(/method "cubic" is unknown/)
  })
})

describe('conditional models (contract v2: gan.label_input)', () => {
  it('reads the label input and classes from the contract', async () => {
    const g = await Generator.load(conditional())
    expect(g.info).toMatchObject({ labelInput: 'label', labels: CLASSES })
  })

  it('without a label, each seed draws its class as seedToInteger(seed) mod classes, so seeds cover every class', async () => {
    const g = await Generator.load(conditional())
    const images = await g.generateBatch([0, 1, 2, 3, 'hello'])
    expect(images.map((i) => i.label)).toEqual(['cat', 'dog', 'owl', 'cat', CLASSES[seedToInteger('hello') % 3]])
    expect(same(images[1]!, await g.generate(1, { label: 'dog' }))).toBe(true)
  })

  it('a label by name or index picks the class; classes give different images from the same latent', async () => {
    const g = await Generator.load(conditional())
    const owl = await g.generate(9, { label: 'owl' })
    expect(owl.label).toBe('owl')
    expect(same(owl, await g.generate(9, { label: 2 }))).toBe(true)
    expect(same(owl, await g.generate(9, { label: 'cat' }))).toBe(false)
    const perSeed = await g.generateBatch([9, 9], { label: ['owl', 0] })
    expect(perSeed.map((i) => i.label)).toEqual(['owl', 'cat'])
    expect(same(perSeed[0]!, owl)).toBe(true)
    expect(same(await g.fromLatent(g.latent(9), { label: 'owl' }), owl)).toBe(true)
  })

  it('interpolates with one label, or switches from seedA’s class to seedB’s at the middle frame', async () => {
    const g = await Generator.load(conditional())
    expect((await g.interpolate(0, 1, 4)).map((i) => i.label)).toEqual(['cat', 'cat', 'dog', 'dog'])
    expect((await g.interpolate(0, 1, 3, { label: 'owl' })).map((i) => i.label)).toEqual(['owl', 'owl', 'owl'])
  })

  it('an unknown label is ERR_INVALID_LABEL listing the valid ones; unconditional models refuse labels', async () => {
    const g = await Generator.load(conditional())
    const err = await rejectionOf(g.generate(1, { label: 'cow' }))
    expect(err.code).toBe('ERR_INVALID_LABEL')
    expect(err.message).toBe('[gan-sdk] label "cow" is not a class of this model: pass one of "cat" (0), "dog" (1), "owl" (2).')
    expect((await rejectionOf(g.generate(1, { label: 3 }))).code).toBe('ERR_INVALID_LABEL')
    expect((await rejectionOf(g.fromLatent(g.latent(1)))).message).toMatch(/this model is conditional: pass a label, one of "cat" \(0\)/)
    const plain = await Generator.load(tinyGenerator())
    expect((await rejectionOf(plain.generate(1, { label: 'cat' }))).message).toBe(
      '[gan-sdk] label "cat" given, but this model is unconditional (it has no label input): leave label out.',
    )
  })

  it('a foreign conditional model without metadata loads with labelInput and labels options', async () => {
    const bytes = tinyGenerator({ latentSize: 6, labels: CLASSES, metadata: false })
    expect((await rejectionOf(Generator.load(bytes))).message).toMatch(/pass the load options labelInput and labels/)
    const g = await Generator.load(bytes, { labelInput: 'label', labels: ['a', 'b', 'c'] })
    expect((await g.generate(4)).label).toBe('b')
  })
})

describe('images', () => {
  it('every PNG carries its provenance: model, model SHA-256, seed, label, truncation, SDK version', async () => {
    const bytes = conditional()
    const g = await Generator.load(bytes)
    const png = (await g.generate('ünï', { label: 'dog', truncation: 0.8 })).toPNG()
    expect(readProvenance(png)).toEqual({
      model: 'tiny',
      modelSha256: createHash('sha256').update(bytes).digest('hex'),
      seed: 'ünï',
      label: 'dog',
      truncation: 0.8,
      sdkVersion: SDK_VERSION,
    })
    expect(readProvenance((await g.fromLatent(g.latent(1), { label: 0 })).toPNG())).toMatchObject({
      seed: null,
      label: 'cat',
      truncation: 1,
    })
    expect(readProvenance(grid([await g.generate(1)]).toPNG())).toBeNull()
  })

  it('toDataURL is the PNG in base64', async () => {
    const image = await (await Generator.load(tinyGenerator())).generate(1)
    const url = image.toDataURL()
    expect(url.startsWith('data:image/png;base64,')).toBe(true)
    expect(Buffer.from(url.slice(22), 'base64').equals(Buffer.from(image.toPNG()))).toBe(true)
  })

  it('grid tiles images row by row with padding, in the images’ channels', async () => {
    const g = await Generator.load(tinyGenerator({ width: 4, height: 3 }))
    const images = await g.generateBatch([1, 2, 3])
    const sheet = grid(images, { columns: 2, padding: 1 })
    expect([sheet.width, sheet.height, sheet.channels]).toEqual([2 * 4 + 3, 2 * 3 + 3, 1])
    const png = decode(sheet.toPNG())
    expect([png.width, png.height, png.channels]).toEqual([11, 9, 1])
    // Image 3 (index 2) starts at column 1, row 1 + 3 + 1.
    const at = (x: number, y: number) => sheet.data[(y * sheet.width + x) * 4]
    expect(at(1, 5)).toBe(images[2]!.data[0])
    expect(at(0, 0)).toBe(0)
    expect(() => grid([])).toThrow(/grid\(\) got no images/)
  })
})

describe('models by name', () => {
  it("Generator.load('mnist') is the bundled model", async () => {
    const g = await Generator.load('mnist')
    expect(same(await g.generate(42), await (await Generator.load(readFileSync(MNIST))).generate(42))).toBe(true)
  })
})

describe('integrity (gan.weights_sha256)', () => {
  const withDigest = async () => {
    const { fromBinary, toBinary } = await import('@bufbuild/protobuf')
    const { ModelProtoSchema } = await import('onnx-buf')
    const { weightsDigest } = await import('../core/weights-digest.js')
    const model = fromBinary(ModelProtoSchema, tinyGenerator())
    model.metadataProps.push({
      $typeName: 'onnx.StringStringEntryProto',
      key: 'gan.weights_sha256',
      value: await weightsDigest(model.graph!.initializer),
    })
    return { model, toBytes: () => toBinary(ModelProtoSchema, model) }
  }

  it('a model whose weights match its checksum loads; one changed weight is ERR_MODEL_CORRUPT', async () => {
    const { model, toBytes } = await withDigest()
    expect((await (await Generator.load(toBytes())).generate(1)).width).toBe(4)
    model.graph!.initializer[0]!.floatData[5]! += 1e-3
    const err = await rejectionOf(Generator.load(toBytes()))
    expect(err.code).toBe('ERR_MODEL_CORRUPT')
    expect(err.message).toMatch(
      /weights do not match the checksum it declares \(gan\.weights_sha256 [0-9a-f]{12}…, computed [0-9a-f]{12}…\): the file is corrupted/,
    )
  })

  it('a malformed checksum is ERR_MODEL_CONTRACT', async () => {
    const { model, toBytes } = await withDigest()
    model.metadataProps.at(-1)!.value = 'abc'
    expect((await rejectionOf(Generator.load(toBytes()))).code).toBe('ERR_MODEL_CONTRACT')
  })
})

describe('broken models', () => {
  it('a model that outputs NaN is ERR_MODEL_CORRUPT at load, not black images', async () => {
    const { fromBinary, toBinary } = await import('@bufbuild/protobuf')
    const { ModelProtoSchema } = await import('onnx-buf')
    const model = fromBinary(ModelProtoSchema, tinyGenerator())
    model.graph!.initializer[0]!.floatData.fill(Number.NaN)
    const err = await rejectionOf(Generator.load(toBinary(ModelProtoSchema, model), { device: 'cpu' }))
    expect(err.code).toBe('ERR_MODEL_CORRUPT')
    expect(err.message).toBe('[gan-sdk] the model outputs NaN on cpu (for an all-zero latent): its weights are broken. Export it again.')
  })
})

describe('worker threads (workers: n)', () => {
  it('gives the same images as in-thread, for 1,000 concurrent generate calls and for batches', async () => {
    const bytes = readFileSync(MNIST)
    const [inThread, pooled] = await Promise.all([Generator.load(bytes), Generator.load(bytes, { workers: 2 })])
    try {
      const seeds = Array.from({ length: 1000 }, (_, i) => i * 13)
      const concurrent = await Promise.all(seeds.map((s) => pooled.generate(s)))
      const sequential = await inThread.generateBatch(seeds)
      expect(concurrent.every((image, i) => same(image, sequential[i]!))).toBe(true)
      const batch = await pooled.generateBatch(seeds.slice(0, 300), { batchSize: 64 })
      expect(batch.every((image, i) => same(image, sequential[i]!))).toBe(true)
    } finally {
      await Promise.all([inThread.dispose(), pooled.dispose()])
    }
  })

  it('leaves the event loop free while the model runs (in-thread, onnxruntime-node blocks it)', async () => {
    /** Turns of the event loop while 2,048 images are generated in runs of 256. */
    const loopTurnsDuring = async (g: Generator) => {
      let done = false
      let turns = 0
      const spin = () => {
        turns++
        if (!done) setImmediate(spin)
      }
      setImmediate(spin)
      await g.generateBatch(Array.from({ length: 2048 }, (_, i) => i))
      done = true
      return turns
    }
    const bytes = readFileSync(MNIST)
    const [inThread, pooled] = await Promise.all([Generator.load(bytes), Generator.load(bytes, { workers: 1 })])
    const [free, blocked] = [await loopTurnsDuring(pooled), await loopTurnsDuring(inThread)]
    // In-thread the loop turns only between runs (8 of them); with a worker it keeps turning.
    expect(blocked).toBeLessThan(40)
    expect(free).toBeGreaterThan(10 * blocked)
    await Promise.all([inThread.dispose(), pooled.dispose()])
  })

  it('conditional models and bad worker counts', async () => {
    const g = await Generator.load(conditional(), { workers: 1 })
    expect((await g.generate(2)).label).toBe('owl')
    await g.dispose()
    expect((await rejectionOf(Generator.load(conditional(), { workers: -1 }))).message).toMatch(
      /workers -1 is invalid: pass an integer from 0/,
    )
  })
})

describe('discriminators', () => {
  it('an exported discriminator (gan.role=discriminator) is ERR_NOT_A_GENERATOR saying what it is', async () => {
    const { fromBinary, toBinary } = await import('@bufbuild/protobuf')
    const { ModelProtoSchema } = await import('onnx-buf')
    const model = fromBinary(ModelProtoSchema, tinyGenerator())
    model.metadataProps.push({ $typeName: 'onnx.StringStringEntryProto', key: 'gan.role', value: 'discriminator' })
    const err = await rejectionOf(Generator.load(toBinary(ModelProtoSchema, model)))
    expect(err.code).toBe('ERR_NOT_A_GENERATOR')
    expect(err.message).toMatch(/it is a discriminator \(gan\.role=discriminator\): it scores images, it does not make them/)
  })
})
