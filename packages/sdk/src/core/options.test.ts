import { describe, expect, it } from 'vitest'
import { resolveLoadOptions } from './options.js'
import { errorOf } from '../testing/gan-error.js'

describe('resolveLoadOptions', () => {
  it('keeps only the options given: every default comes from the model', () => {
    expect(resolveLoadOptions()).toEqual({})
    expect(resolveLoadOptions({ latentSize: undefined })).toEqual({})
    expect(
      resolveLoadOptions({
        latentSize: 100,
        layout: 'NCHW',
        range: [0, 1],
        latentDistribution: 'uniform',
        inputName: 'z',
        outputName: 'img',
        width: 64,
        height: 32,
      }),
    ).toEqual({
      latentSize: 100,
      layout: 'NCHW',
      range: [0, 1],
      latentDistribution: 'uniform',
      inputName: 'z',
      outputName: 'img',
      width: 64,
      height: 32,
    })
  })

  it('returns a new object and never mutates the caller’s', () => {
    const range = [0, 1] as const
    const input = { range, layout: 'NHWC' as const }
    const snapshot = structuredClone(input)
    const out = resolveLoadOptions(Object.freeze(input))
    expect(input).toEqual(snapshot)
    expect(out).not.toBe(input)
    expect(out.range).not.toBe(range)
  })

  it.each([
    [
      null,
      'load options null are not an object: pass an object with any of: latentSize, latentDistribution, layout, range, inputName, outputName, width, height, labels, labelInput, device, fallback, threads, workers, sessionOptions.',
    ],
    [[1], 'load options [1] are not an object'],
    [
      { latentsize: 100 },
      'load option "latentsize" is unknown: valid options are: latentSize, latentDistribution, layout, range, inputName, outputName, width, height, labels, labelInput, device, fallback, threads, workers, sessionOptions.',
    ],
    [{ latentSize: 0 }, 'latentSize 0 is invalid: pass a positive integer.'],
    [{ width: '64' }, 'width "64" is invalid: pass a positive integer.'],
    [{ layout: 'CHW' }, 'layout "CHW" is unknown: pass one of: NHWC, NCHW.'],
    [{ latentDistribution: 'gaussian' }, 'latentDistribution "gaussian" is unknown: pass one of: normal, uniform.'],
    [{ range: [1, -1] }, 'range [1, -1] is invalid: pass [min, max] with finite min < max'],
    [{ range: '-1,1' }, 'range "-1,1" is invalid'],
    [{ range: [0, Number.POSITIVE_INFINITY] }, 'range [0, Infinity] is invalid'],
    [{ inputName: '' }, 'inputName "" is invalid: pass the name of one of the graph\'s tensors.'],
  ])('rejects %j with ERR_INVALID_OPTION, quoting the value and the valid choices', (input, message) => {
    const err = errorOf(() => resolveLoadOptions(input))
    expect(err.code).toBe('ERR_INVALID_OPTION')
    expect(err.message).toContain(`[gan-sdk] ${message}`)
  })
})
