import { describe, expect, it } from 'vitest'
import { errorOf } from '../testing/gan-error.js'
import { formatRunManifest, parseRunManifest, runManifestAtStep, type RunManifest } from './run-manifest.js'

const full: RunManifest = {
  format: 'gan-sdk-run',
  version: 1,
  generator: 'generator',
  discriminator: 'discriminator',
  name: 'mnist-dcgan',
  dataset: 'mnist',
  license: 'MIT',
  latentSize: 100,
  latentDistribution: 'normal',
  width: 28,
  height: 28,
  channels: 1,
  range: [-1, 1],
  layout: 'NHWC',
  labels: [],
  steps: 12000,
  batchSize: 64,
  emaDecay: 0.999,
  backend: 'wasm',
  elapsedSec: 3.5,
}

describe('run manifest (gan.json)', () => {
  it('round-trips what the trainer writes', () => {
    expect(parseRunManifest(formatRunManifest(full))).toEqual(full)
  })

  it('needs only the format; the generator directory defaults to "generator", unknown fields are dropped', () => {
    expect(parseRunManifest('{"format":"gan-sdk-run","fromTheFuture":1}')).toEqual({
      format: 'gan-sdk-run',
      version: 1,
      generator: 'generator',
    })
  })

  it.each([
    ['{', /^\[gan-sdk\] runs\/a\/gan\.json is not valid JSON/],
    ['[]', /is not a gan-sdk run manifest \(expected "format": "gan-sdk-run"\)/],
    ['{"format":"other"}', /is not a gan-sdk run manifest/],
    ['{"format":"gan-sdk-run","version":2}', /has "version": 2, but this release reads version 1: upgrade/],
    ['{"format":"gan-sdk-run","latentSize":"100"}', /"latentSize" is "100"; expected a positive integer/],
    ['{"format":"gan-sdk-run","range":[1,-1]}', /"range" is \[1, -1\]; expected \[min, max\]/],
    ['{"format":"gan-sdk-run","latentDistribution":"cauchy"}', /expected one of normal, uniform/],
    ['{"format":"gan-sdk-run","channels":2}', /"channels" is 2; expected 1, 3 or 4/],
    ['{"format":"gan-sdk-run","labels":["a",""]}', /"labels" is \["a", ""\]/],
  ])('%s → ERR_RUN_MANIFEST', (text, message) => {
    const err = errorOf(() => parseRunManifest(text, 'runs/a/gan.json'))
    expect(err.code).toBe('ERR_RUN_MANIFEST')
    expect(err.message).toMatch(message)
  })

  it.each(['../elsewhere', '/abs/generator', 'a/../../b', 'C:\\\\models', ''])(
    'keeps the generator path %j inside the run directory',
    (path) => {
      const err = errorOf(() => parseRunManifest(JSON.stringify({ format: 'gan-sdk-run', generator: path })))
      expect(err.message).toMatch(/"generator" is .*; expected a relative path inside the run directory/)
    },
  )

  it('names an earlier checkpoint of the same run (runManifestAtStep), or says why it cannot', () => {
    const last: RunManifest = {
      format: 'gan-sdk-run',
      version: 1,
      generator: 'checkpoints/step-006000/generator',
      discriminator: 'checkpoints/step-006000/discriminator',
      steps: 6000,
      elapsedSec: 6247.5,
      labels: ['a', 'b'],
    }
    expect(runManifestAtStep(last, 4000)).toEqual({
      format: 'gan-sdk-run',
      version: 1,
      generator: 'checkpoints/step-004000/generator',
      discriminator: 'checkpoints/step-004000/discriminator',
      steps: 4000,
      labels: ['a', 'b'],
    })
    expect(runManifestAtStep({ ...last, generator: 'step-000010/generator' }, 1234567).generator).toBe('step-1234567/generator')
    expect(runManifestAtStep({ ...last, discriminator: 'discriminator' }, 4000)).not.toHaveProperty('discriminator')
    for (const step of [0, 1.5, -3, Number.NaN]) expect(errorOf(() => runManifestAtStep(last, step)).code).toBe('ERR_INVALID_OPTION')
    const flat = errorOf(() => runManifestAtStep({ format: 'gan-sdk-run', version: 1, generator: 'generator' }, 4000))
    expect(flat).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('is not in a step-NNNNNN/ checkpoint folder'),
    })
  })
})
