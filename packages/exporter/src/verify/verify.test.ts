import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedsToLatents, seedToInteger, seedToLatent } from 'gan-sdk/core'
import { describe, expect, it, vi } from 'vitest'
import { ParityError } from '../errors.js'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, dcgan, randomize } from '../testing/fixtures.js'
import { VERIFY_LATENTS, verificationInputs, verificationLatents } from './verification-inputs.js'
import { verifyParity, type VerifyTarget } from './verify.js'

// Converter bugs on demand, applied after conversion: 'shift' moves every value of the first weight
// (the Dense kernel) by 0.01, as a wrong layout would; 'invalid' emits an operator ONNX lacks.
const bug = vi.hoisted(() => ({ kind: undefined as 'shift' | 'invalid' | undefined }))
vi.mock('../convert/convert.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../convert/convert.js')>()
  return {
    ...original,
    convertModel: (...args: Parameters<typeof original.convertModel>) => {
      const converted = original.convertModel(...args)
      const [first] = converted.graph.initializers.values()
      if (bug.kind === 'shift' && first?.type === 'float') first.data = first.data.map((x) => x + 0.01)
      if (bug.kind === 'invalid') converted.graph.nodes[0]!.opType = 'NoSuchOp'
      return converted
    },
  }
})

/** The 28×28 grey DCGAN of latent size 8, as verification sees it. */
const TARGET: VerifyTarget = {
  output: { name: 'image', type: 'float', dims: [28, 28, 1] },
  tfjsInputs: [{ name: 'latent', dtype: 'float32' }],
}
const INPUTS = verificationInputs({
  role: 'generator',
  inputs: [{ name: 'latent', type: 'float', dims: [8] }],
  classes: undefined,
  range: [-1, 1],
})

async function withBug<T>(run: () => Promise<T>, kind: 'shift' | 'invalid' = 'shift'): Promise<T> {
  bug.kind = kind
  try {
    return await run()
  } finally {
    bug.kind = undefined
  }
}

describe('parity verification', () => {
  it('measures a corrupted weight and fails with ParityError (ERR_PARITY) reporting the difference', async () => {
    const artifacts = await artifactsOf(randomize(dcgan({ latent: 8 }), 5))
    const good = await exportOnnx(artifacts, { verify: false })
    const bad = await withBug(() => exportOnnx(artifacts, { verify: false }))
    expect(await verifyParity(artifacts, good.bytes, TARGET, INPUTS, 1e-4)).toBeLessThan(1e-5)
    const err = (await verifyParity(artifacts, bad.bytes, TARGET, INPUTS, 1e-4).catch((e: unknown) => e)) as ParityError
    expect(err).toBeInstanceOf(ParityError)
    expect(err.code).toBe('ERR_PARITY')
    expect(err.maxAbsDiff).toBeGreaterThan(1e-3)
    expect(err.tolerance).toBe(1e-4)
    expect(err.message).toContain(`differs from TF.js predict by up to ${err.maxAbsDiff} (tolerance 0.0001)`)
  })

  it('exportOnnx fails loudly and leaves an existing output file untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-export-parity-'))
    const out = join(dir, 'model.onnx')
    const previous = (await exportOnnx(await artifactsOf(dcgan({ latent: 4 })), { verify: false })).bytes
    await writeFile(out, previous)
    const artifacts = await artifactsOf(randomize(dcgan({ latent: 8, channels: 3 }), 6))
    await expect(withBug(() => exportOnnx(artifacts, { out }))).rejects.toMatchObject({
      code: 'ERR_PARITY',
      message: expect.stringMatching(/by up to 0\.\d+ \(tolerance 0\.0001\); nothing was written/),
    })
    expect(new Uint8Array(await readFile(out))).toEqual(previous)
    expect(await readdir(dir)).toEqual(['model.onnx'])
    // The same bug passes only when the caller opts out of the check.
    await expect(withBug(() => exportOnnx(artifacts, { out, verify: false }))).resolves.toMatchObject({ outPath: out })
  })

  it('ERR_VERIFY when ONNX Runtime rejects the converted graph or TF.js cannot load the original', async () => {
    const artifacts = await artifactsOf(randomize(dcgan({ latent: 8 }), 9))
    await expect(withBug(() => exportOnnx(artifacts), 'invalid')).rejects.toMatchObject({
      code: 'ERR_VERIFY',
      message: expect.stringMatching(/ONNX Runtime cannot run the converted model: .*NoSuchOp/),
    })
    // A constraint TF.js does not know: irrelevant to conversion, fatal to tfl.loadLayersModel.
    const topology = structuredClone(artifacts.modelTopology) as { config: { layers: Array<{ config: Record<string, unknown> }> } }
    topology.config.layers[0]!.config['kernel_constraint'] = { class_name: 'NoSuchConstraint', config: {} }
    await expect(exportOnnx({ ...artifacts, modelTopology: topology })).rejects.toMatchObject({
      code: 'ERR_VERIFY',
      message: expect.stringMatching(/TF\.js cannot load or run the original model.*--no-verify/s),
    })
    await expect(exportOnnx({ ...artifacts, modelTopology: topology }, { verify: false })).resolves.toMatchObject({
      contract: { latentSize: 8 },
    })
  })

  it('a tolerance below float32 rounding trips on a correct model', async () => {
    const artifacts = await artifactsOf(randomize(dcgan({ latent: 8, channels: 3 }), 7))
    await expect(exportOnnx(artifacts, { tolerance: 1e-12 })).rejects.toBeInstanceOf(ParityError)
  })

  it('uses fixed latents: the SDK’s for seeds 0…5, a zero row and a tail row (seed 7 ×2.5)', () => {
    const a = verificationLatents(5, 'normal')
    expect(a).toEqual(verificationLatents(5, 'normal'))
    expect(a).toHaveLength(VERIFY_LATENTS * 5)
    expect(a.subarray(0, 30)).toEqual(seedsToLatents([0, 1, 2, 3, 4, 5], 5))
    expect([...a.subarray(30, 35)]).toEqual([0, 0, 0, 0, 0])
    expect(a.subarray(35)).toEqual(seedToLatent(7, 5).map((x) => x * 2.5))
    expect(Math.max(...a.subarray(35).map(Math.abs))).toBeGreaterThan(1)
    const u = verificationLatents(1000, 'uniform')
    expect(Math.max(...u)).toBeLessThan(2.5)
    expect(Math.max(...u.subarray(0, 6000).map(Math.abs))).toBeLessThanOrEqual(1)
  })
})

describe('verificationInputs', () => {
  it('labels row i with seed i’s class (seedToInteger mod K), then adds every class; at most 64 class rows, spread', () => {
    const latent = { name: 'latent', type: 'float' as const, dims: [3] }
    const label = { name: 'label', type: 'int64' as const, dims: [] }
    const five = verificationInputs({ role: 'generator', inputs: [latent, label], classes: 5, range: [-1, 1] })
    expect(five.rows).toBe(13)
    expect(five.classes).toBe(5)
    expect([...five.feeds[1]!.values]).toEqual([...[0, 1, 2, 3, 4, 5, 6, 7].map((s) => seedToInteger(s) % 5), 0, 1, 2, 3, 4])
    expect(five.feeds[0]!.values.subarray(0, 24)).toEqual(verificationLatents(3, 'normal'))
    expect(five.feeds[0]!.values.subarray(24)).toEqual(seedsToLatents([8, 9, 10, 11, 12], 3))
    const many = verificationInputs({ role: 'generator', inputs: [latent, label], classes: 1000, range: [-1, 1] })
    const extra = [...many.feeds[1]!.values.subarray(8)]
    expect([many.rows, many.classes, extra[0], extra.at(-1), new Set(extra).size]).toEqual([72, 64, 0, 999, 64])
  })

  it('gives a discriminator noise images over its input range, then an all-minimum and an all-maximum one', () => {
    const image = { name: 'image', type: 'float' as const, dims: [2, 2, 1] }
    const { rows, feeds } = verificationInputs({ role: 'discriminator', inputs: [image], classes: undefined, range: [0, 1] })
    const values = feeds[0]!.values
    expect(rows).toBe(8)
    expect(Math.min(...values.subarray(0, 24))).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values.subarray(0, 24))).toBeLessThan(1)
    expect([...values.subarray(24)]).toEqual([0, 0, 0, 0, 1, 1, 1, 1])
  })
})
