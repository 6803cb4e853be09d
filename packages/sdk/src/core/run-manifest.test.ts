import { describe, expect, it } from 'vitest'
import { errorOf } from '../testing/gan-error.js'
import { formatRunManifest, parseRunManifest, type RunManifest } from './run-manifest.js'

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
})
