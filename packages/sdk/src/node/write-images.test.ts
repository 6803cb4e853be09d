import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { Generator } from './node-generator.js'
import { RUN_SIZE, seedFileName, writeSeedImages, type ImageWrittenEvent } from './write-images.js'

describe('writeSeedImages', () => {
  it('writes consecutive integer seeds across several model runs, reporting each file in order', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-write-')), 'out')
    const g = await Generator.load(tinyGenerator({ width: 2, height: 2 }))
    const events: ImageWrittenEvent[] = []
    const count = RUN_SIZE + 3
    await writeSeedImages(g, { seed: 10, count, out, onImage: (e) => events.push(e) })
    expect(events.map((e) => e.seed)).toEqual(Array.from({ length: count }, (_, i) => 10 + i))
    expect(events[0]).toEqual({ type: 'image', seed: 10, file: join(out, '10.png'), width: 2, height: 2 })
    expect(await readdir(out)).toHaveLength(count)
  })

  it('writes one image for a string seed', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gan-write-'))
    await writeSeedImages(await Generator.load(tinyGenerator()), { seed: 'a/b', out })
    expect(await readdir(out)).toEqual(['a%2Fb.png'])
  })

  it("names a label's files after it, so classes do not overwrite each other, and reports every image's class", async () => {
    const out = await mkdtemp(join(tmpdir(), 'gan-write-'))
    const g = await Generator.load(tinyGenerator({ labels: ['cat', 'dog/x'] }))
    const events: ImageWrittenEvent[] = []
    await writeSeedImages(g, { seed: 0, count: 2, out, onImage: (e) => events.push(e) })
    await writeSeedImages(g, { seed: 0, count: 2, label: 'dog/x', out, onImage: (e) => events.push(e) })
    expect(events.map((e) => [e.label, e.file])).toEqual([
      ['cat', join(out, '0.png')],
      ['dog/x', join(out, '1.png')],
      ['dog/x', join(out, '0-dog%2Fx.png')],
      ['dog/x', join(out, '1-dog%2Fx.png')],
    ])
    expect((await readdir(out)).sort()).toEqual(['0-dog%2Fx.png', '0.png', '1-dog%2Fx.png', '1.png'])
  })
})

describe('seedFileName', () => {
  it('names integer seeds by value and keeps string seeds inside the output directory on every OS', () => {
    expect(seedFileName(42)).toBe('42.png')
    expect(seedFileName('../a/b*')).toBe('%2E%2E%2Fa%2Fb%2A.png')
    expect(seedFileName('hello-1_x')).toBe('hello-1_x.png')
    expect(seedFileName(7, 'food-drink')).toBe('7-food-drink.png')
  })
})
