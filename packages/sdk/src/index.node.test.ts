import { readFile } from 'node:fs/promises'
import { describe, expect, it, vi } from 'vitest'

const MNIST = new URL('../../../models/mnist/mnist.onnx', import.meta.url)

describe('gan-sdk (Node entry)', () => {
  it('exports exactly the public API', async () => {
    const api = await import('./index.node.js')
    expect(Object.keys(api).sort()).toEqual([
      'BUNDLED_MODELS',
      'BUNDLED_MODEL_URL',
      'ERROR_CODES',
      'GanError',
      'GeneratedImage',
      'Generator',
      'RgbaImage',
      'generate',
      'grid',
      'isGanError',
      'readProvenance',
      'seedToInteger',
      'seedToLatent',
      'seedsToLatents',
    ])
  })

  it('the build bundles the current models/mnist/mnist.onnx (run `npm run build` after retraining)', async () => {
    const { BUNDLED_MODEL_URL } = await import('./index.node.js')
    expect(Buffer.compare(await readFile(BUNDLED_MODEL_URL), await readFile(MNIST))).toBe(0)
  })

  it('generate(seed) loads the bundled model once, for concurrent first calls too', async () => {
    vi.resetModules() // a fresh module: no model cached by another test
    const api = await import('./index.node.js')
    const load = vi.spyOn(api.Generator, 'load')
    const [a, b, again] = await Promise.all([api.generate(42), api.generate('hello'), api.generate(42)])
    expect(load).toHaveBeenCalledTimes(1)
    expect(Buffer.from(a.data).equals(Buffer.from(again.data))).toBe(true)
    const direct = await (await api.Generator.load(await readFile(MNIST))).generate('hello')
    expect(Buffer.from(b.data).equals(Buffer.from(direct.data))).toBe(true)
    expect([a.width, a.height, a.channels, a.seed]).toEqual([28, 28, 1, 42])
  })
})

describe('gan-sdk/core (platform-free entry)', () => {
  it('exports exactly the platform-free API', async () => {
    const api = await import('./index.core.js')
    expect(Object.keys(api).sort()).toEqual([
      'CONTRACT_VERSION',
      'DEVICES',
      'ERROR_CODES',
      'GanError',
      'GeneratedImage',
      'LATENT_DISTRIBUTIONS',
      'LAYOUTS',
      'METADATA_KEYS',
      'PROVENANCE_KEYWORD',
      'RUN_MANIFEST_FILE',
      'RUN_MANIFEST_FORMAT',
      'RUN_MANIFEST_VERSION',
      'RgbaImage',
      'SDK_VERSION',
      'checkTruncation',
      'checkpointStep',
      'contractToMetadata',
      'describeValue',
      'discriminatorToMetadata',
      'formatRunManifest',
      'grid',
      'isGanError',
      'metadataToContract',
      'parseRange',
      'parseRunManifest',
      'readProvenance',
      'resolveLoadOptions',
      'runManifestAtStep',
      'seedToInteger',
      'seedToLatent',
      'seedsToLatents',
      'weightsDigest',
    ])
  })
})
