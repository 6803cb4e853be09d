import { describe, expect, it } from 'vitest'
import { GanError } from './errors.js'
import { readModelInfo } from './model-info.js'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { SeedRandom } from './seed.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(GanError)
    return (err as GanError).code
  }
  return undefined
}

describe('readModelInfo', () => {
  it('reads the gan.* contract written by the exporter', () => {
    const info = readModelInfo(tinyGenerator({ latentSize: 8, width: 4, height: 3, channels: 3, metadata: { labels: ['a', 'b'], name: 'tiny' } }))
    expect(info).toMatchObject({ latentSize: 8, width: 4, height: 3, channels: 3, layout: 'NHWC', range: [-1, 1], labels: ['a', 'b'], license: 'CC0-1.0', name: 'tiny', inputRank: 2 })
  })

  it('infers a foreign PyTorch-style generator: [N, z, 1, 1] in, NCHW out, no metadata', () => {
    const info = readModelInfo(tinyGenerator({ latentSize: 16, width: 5, height: 6, channels: 3, layout: 'NCHW', inputRank: 4, metadata: false }))
    expect(info).toMatchObject({ latentSize: 16, width: 5, height: 6, channels: 3, layout: 'NCHW', range: [-1, 1], latentDistribution: 'normal', license: 'unknown', inputRank: 4, labels: [] })
  })

  it('load options override metadata and inference', () => {
    const info = readModelInfo(tinyGenerator({ metadata: false }), { range: [0, 1], latentDistribution: 'uniform' })
    expect(info.range).toEqual([0, 1])
    expect(info.latentDistribution).toBe('uniform')
  })

  it('rejects non-ONNX bytes with ERR_MODEL_FORMAT', () => {
    expect(codeOf(() => readModelInfo(new TextEncoder().encode('definitely not onnx')))).toBe('ERR_MODEL_FORMAT')
    expect(codeOf(() => readModelInfo(new Uint8Array(0)))).toBe('ERR_MODEL_FORMAT')
  })

  it('rejects a graph that is not a generator with ERR_NOT_A_GENERATOR naming the option that fixes it', () => {
    const wrongName = () => readModelInfo(tinyGenerator({}), { inputName: 'nope' })
    expect(codeOf(wrongName)).toBe('ERR_NOT_A_GENERATOR')
    expect(wrongName).toThrow(/no input "nope"; its inputs are: latent\. .*inputName/)
    const fiveChannels = () => readModelInfo(tinyGenerator({ channels: 5, width: 6, height: 7, metadata: false }))
    expect(codeOf(fiveChannels)).toBe('ERR_NOT_A_GENERATOR')
  })

  it('rejects invalid gan.* metadata with ERR_MODEL_CONTRACT', () => {
    expect(codeOf(() => readModelInfo(tinyGenerator({ metadata: { layout: 'HWC' as never } })))).toBe('ERR_MODEL_CONTRACT')
  })

  it('never crashes or hangs on random or truncated bytes: always a GanError', () => {
    const valid = tinyGenerator({})
    const random = new SeedRandom(99)
    for (let i = 0; i < 300; i++) {
      const bytes = i % 2 === 0 ? valid.slice(0, Math.floor(random.nextFloat() * valid.length)) : valid.map((b) => (random.nextFloat() < 0.02 ? random.nextUint32() & 255 : b))
      try {
        readModelInfo(bytes)
      } catch (err) {
        expect(err).toBeInstanceOf(GanError)
      }
    }
  })
})
