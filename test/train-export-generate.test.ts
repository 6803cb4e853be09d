import { decode } from 'fast-png'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportOnnx } from '@gan-sdk/exporter'
import { loadMnist, subset, train } from '@gan-sdk/trainer'
import { Generator } from 'gan-sdk'
import { checkOnnx } from '../packages/exporter/src/testing/onnx-checker.js'

// The spine, through the packages' public builds: train a few steps → export → load → generate.
describe('train → export → generate', () => {
  it('produces a working ONNX generator that the SDK runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-e2e-'))
    const runDir = join(dir, 'run')
    const mnist = loadMnist('train')
    const digits = subset(
      mnist,
      Array.from({ length: 256 }, (_, i) => i * 31),
    )
    await train({
      outDir: runDir,
      dataset: digits,
      steps: 4,
      batchSize: 16,
      latentSize: 16,
      generatorFilters: [32, 16],
      discriminatorFilters: [16, 32],
      backend: 'wasm',
      name: 'e2e-digits',
      license: 'MIT',
    })
    const modelPath = join(dir, 'model.onnx')
    const exported = await exportOnnx(runDir, { out: modelPath })
    await checkOnnx(exported.bytes) // the official ONNX checker, full_check
    expect(exported.maxAbsDiff).toBeLessThan(1e-4)

    const generator = await Generator.load(modelPath)
    expect(generator.info).toMatchObject({
      latentSize: 16,
      width: 28,
      height: 28,
      channels: 1,
      layout: 'NHWC',
      name: 'e2e-digits',
      license: 'MIT',
    })
    const [a, b] = await generator.generateBatch([7, 8])
    const single = await generator.generate(7)
    expect(Buffer.from(single.data).equals(Buffer.from(a!.data))).toBe(true)
    expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(false)
    const png = decode(single.toPNG())
    expect([png.width, png.height]).toEqual([28, 28])

    // The run's last sample grid shows seeds 0 … 63 (8 per row, 2-pixel gutters): what the SDK
    // generates for them from the exported model, up to ONNX Runtime vs TF.js float rounding.
    const grid = decode(await readFile(join(runDir, 'samples', 'step-000004.png')))
    expect([grid.width, grid.height, grid.channels]).toEqual([8 * 30 + 2, 8 * 30 + 2, 1])
    let exactTiles = 0
    for (let n = 0; n < 64; n++) {
      const image = await generator.generate(n)
      const [ox, oy] = [2 + (n % 8) * 30, 2 + Math.floor(n / 8) * 30]
      let maxDiff = 0
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          maxDiff = Math.max(maxDiff, Math.abs(grid.data[(oy + y) * grid.width + ox + x]! - image.data[(y * 28 + x) * 4]!))
        }
      }
      expect(maxDiff, `tile ${n}`).toBeLessThanOrEqual(1)
      if (maxDiff === 0) exactTiles++
    }
    expect(exactTiles).toBeGreaterThanOrEqual(56)
    await generator.dispose()
  })
})
