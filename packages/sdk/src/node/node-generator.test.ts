import { create, toBinary } from '@bufbuild/protobuf'
import { readFileSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelProtoSchema } from 'onnx-buf'
import { describe, expect, it, vi } from 'vitest'
import type { GeneratedImage } from '../core/image.js'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { nodeAutoDevices } from './devices.js'
import { Generator } from './node-generator.js'
import { rejectionOf } from '../testing/gan-error.js'

/** The trained model the build bundles. Read from the repository, so these tests need no build. */
const MNIST = new URL('../../../../models/mnist/mnist.onnx', import.meta.url)

const same = (a: { data: Uint8Array }, b: { data: Uint8Array }) => Buffer.from(a.data).equals(Buffer.from(b.data))

describe('Generator on onnxruntime-node', () => {
  it.each(['NHWC', 'NCHW'] as const)('runs a tiny %s RGB model: deterministic per seed, different across seeds', async (layout) => {
    const g = await Generator.load(tinyGenerator({ layout, channels: 3, width: 4, height: 3 }))
    const a = await g.generate(5)
    expect([a.width, a.height, a.channels, a.data.length]).toEqual([4, 3, 3, 4 * 3 * 4])
    expect(same(await g.generate(5), a)).toBe(true)
    expect(same(await g.generate(6), a)).toBe(false)
    await g.dispose()
  })

  it('NHWC and NCHW exports of the same grey weights give the same pixels', async () => {
    // One channel: both layouts order the elements alike, so the images must match.
    const nhwc = await Generator.load(tinyGenerator({ layout: 'NHWC' }))
    const nchw = await Generator.load(tinyGenerator({ layout: 'NCHW' }))
    expect(same(await nhwc.generate(3), await nchw.generate(3))).toBe(true)
  })

  it('a batch equals single generations, and concurrent calls equal sequential ones', async () => {
    const g = await Generator.load(tinyGenerator({ latentSize: 16, width: 8, height: 8 }))
    const seeds = Array.from({ length: 12 }, (_, i) => i * 7)
    const batch = await g.generateBatch(seeds)
    const sequential: GeneratedImage[] = []
    for (const s of seeds) sequential.push(await g.generate(s))
    const concurrent = await Promise.all(seeds.map((s) => g.generate(s)))
    seeds.forEach((_, i) => {
      expect(same(batch[i]!, sequential[i]!)).toBe(true)
      expect(same(concurrent[i]!, sequential[i]!)).toBe(true)
    })
  })

  it('loads a foreign PyTorch-style model: [1, z, 1, 1] in, NCHW out, no metadata, fixed batch', async () => {
    const g = await Generator.load(tinyGenerator({ inputRank: 4, layout: 'NCHW', channels: 3, width: 5, batch: 1, metadata: false }))
    expect(g.info).toMatchObject({ layout: 'NCHW', channels: 3, width: 5, license: 'unknown' })
    const batch = await g.generateBatch(['x', 'y', 'z'])
    expect(same(batch[2]!, await g.generate('z'))).toBe(true)
  })

  it('loads from a path, and names the file when it is not a generator', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-sdk-'))
    const path = join(dir, 'tiny.onnx')
    await writeFile(path, tinyGenerator({ width: 2 }))
    expect((await Generator.load(path)).info.width).toBe(2)
    await writeFile(join(dir, 'notes.txt'), 'not a model')
    expect((await rejectionOf(Generator.load(join(dir, 'notes.txt')))).message).toMatch(
      new RegExp(`^\\[gan-sdk\\] model "${dir}/notes\\.txt" (is not an ONNX model|parses as protobuf but holds no ONNX graph)`),
    )
  })

  it('typed errors for missing files, junk, graphs onnxruntime rejects, and bad options', async () => {
    const missing = await rejectionOf(Generator.load('/nonexistent/model.onnx'))
    expect(missing.code).toBe('ERR_MODEL_NOT_FOUND')
    expect(missing.message).toBe('[gan-sdk] model file "/nonexistent/model.onnx" does not exist: pass the path of a .onnx generator.')
    expect((await rejectionOf(Generator.load(tmpdir()))).message).toMatch(/is a directory/)
    expect((await rejectionOf(Generator.load(new TextEncoder().encode('junk')))).code).toBe('ERR_MODEL_FORMAT')
    const unknownOp = create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [{ domain: '', version: 17n }],
      graph: {
        node: [{ opType: 'NoSuchOp', input: ['latent'], output: ['image'] }],
        input: [
          {
            name: 'latent',
            type: {
              value: {
                case: 'tensorType',
                value: {
                  elemType: 1,
                  shape: { dim: [{ value: { case: 'dimParam', value: 'N' } }, { value: { case: 'dimValue', value: 4n } }] },
                },
              },
            },
          },
        ],
        output: [
          {
            name: 'image',
            type: {
              value: {
                case: 'tensorType',
                value: {
                  elemType: 1,
                  shape: { dim: [1, 2, 2, 1].map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } })) },
                },
              },
            },
          },
        ],
      },
    })
    const rejected = await rejectionOf(Generator.load(toBinary(ModelProtoSchema, unknownOp)))
    expect(rejected.code).toBe('ERR_MODEL_FORMAT')
    expect(rejected.message).toMatch(/^\[gan-sdk\] onnxruntime could not load the model: .*NoSuchOp/)
    expect((await rejectionOf(Generator.load(tinyGenerator(), { bogus: 1 } as never))).code).toBe('ERR_INVALID_OPTION')
  })

  it('does not mutate the caller’s options object', async () => {
    const options = { range: [-1, 1] as const, latentDistribution: 'uniform' as const }
    const snapshot = structuredClone(options)
    await Generator.load(tinyGenerator(), options)
    expect(options).toEqual(snapshot)
  })
})

describe('devices', () => {
  it('auto runs on the first device that works and records why each one before it was skipped', async () => {
    const g = await Generator.load(tinyGenerator())
    const auto = nodeAutoDevices()
    expect(auto).toContain(g.device)
    expect(g.fallbacks.map((f) => f.device)).toEqual(auto.slice(0, auto.indexOf(g.device)))
    for (const f of g.fallbacks) expect(f.reason).not.toBe('')
  })

  it('cpu gives the same images as auto does on this machine', async () => {
    const [auto, cpu] = await Promise.all([Generator.load(readFileSync(MNIST)), Generator.load(readFileSync(MNIST), { device: 'cpu' })])
    expect(cpu.device).toBe('cpu')
    expect(cpu.fallbacks).toEqual([])
    if (auto.device === 'cpu') expect(same(await auto.generate(42), await cpu.generate(42))).toBe(true)
  })

  it('a device that cannot run here: a coded error with fallback: false, cpu and one warning without', async () => {
    const unavailable = nodeAutoDevices().includes('webgpu')
      ? await Generator.load(tinyGenerator()).then((g) => g.fallbacks.find((f) => f.device === 'webgpu'))
      : undefined
    // Where WebGPU works (a GPU machine), ask for a device this OS lacks instead.
    const device = unavailable !== undefined ? 'webgpu' : process.platform === 'win32' ? 'coreml' : 'dml'
    const err = await rejectionOf(Generator.load(tinyGenerator(), { device, fallback: false }))
    expect(err.code).toBe('ERR_DEVICE_UNAVAILABLE')
    expect(err.message).toMatch(new RegExp(`^\\[gan-sdk\\] device "${device}" is unavailable: .+\\. .+; or load with device: 'auto'`))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const g = await Generator.load(tinyGenerator(), { device })
    expect([g.device, g.fallbacks.map((f) => f.device)]).toEqual(['cpu', [device]])
    expect(warn).toHaveBeenCalledTimes(1)
    warn.mockRestore()
  })

  it('rejects unknown devices, bad thread counts and execution providers passed around the device option', async () => {
    expect((await rejectionOf(Generator.load(tinyGenerator(), { device: 'tpu' as never }))).message).toBe(
      '[gan-sdk] device "tpu" is unknown: pass one of: auto, cpu, cuda, dml, coreml, webgpu, wasm.',
    )
    expect((await rejectionOf(Generator.load(tinyGenerator(), { threads: 0 }))).code).toBe('ERR_INVALID_OPTION')
    expect((await rejectionOf(Generator.load(tinyGenerator(), { sessionOptions: { executionProviders: ['cuda'] } }))).message).toMatch(
      /executionProviders is not accepted: choose the device with the device option/,
    )
    const g = await Generator.load(tinyGenerator(), { device: 'cpu', threads: 1, sessionOptions: { enableCpuMemArena: false } })
    expect((await g.generate(1)).width).toBe(4)
  })
})

describe('the MNIST model (models/mnist/mnist.onnx, bundled by the build)', () => {
  it('declares the contract the SDK documents', async () => {
    const g = await Generator.load(readFileSync(MNIST))
    expect(g.info).toMatchObject({
      latentSize: 100,
      inputName: 'latent',
      outputName: 'image',
      width: 28,
      height: 28,
      channels: 1,
      layout: 'NHWC',
      range: [-1, 1],
      latentDistribution: 'normal',
    })
    expect(g.info.license).not.toBe('unknown')
    await g.dispose()
  })

  it('generates 28×28 grey digits: some ink on a mostly dark background, one batch equal to singles', async () => {
    const g = await Generator.load(readFileSync(MNIST))
    const seeds = [0, 1, 42, 'hello']
    const batch = await g.generateBatch(seeds)
    for (const [i, image] of batch.entries()) {
      const grey = Array.from({ length: 784 }, (_, p) => image.data[p * 4]!)
      const ink = grey.filter((v) => v > 128).length
      expect(ink).toBeGreaterThan(20)
      expect(ink).toBeLessThan(400)
      expect(same(image, await g.generate(seeds[i]!))).toBe(true)
    }
    await g.dispose()
  })
})
