import { describe, expect, it, vi } from 'vitest'
import { createDefaultGenerate } from './default-generator.js'
import type { GeneratedImage } from './image.js'

const image = (seed: number | string, label?: string) => ({ seed, label }) as unknown as GeneratedImage

describe('createDefaultGenerate', () => {
  it('loads once, shared by concurrent first calls and later ones', async () => {
    const load = vi.fn(async () => ({ generate: async (seed: number | string) => image(seed) }))
    const generate = createDefaultGenerate(load)
    const images = await Promise.all([generate(1), generate(2), generate('x')])
    expect(images.map((i) => i.seed)).toEqual([1, 2, 'x'])
    await generate(3)
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('passes the options on (a label for the conditional bundled model)', async () => {
    const generate = createDefaultGenerate(async () => ({
      generate: async (seed: number | string, o?: { label?: unknown }) => image(seed, String(o?.label)),
    }))
    expect(await generate(42, { label: '3' })).toEqual({ seed: 42, label: '3' })
  })

  it('retries a failed load on the next call', async () => {
    let attempts = 0
    const generate = createDefaultGenerate(async () => {
      if (++attempts === 1) throw new Error('missing')
      return { generate: async (seed: number | string) => image(seed) }
    })
    await expect(generate(1)).rejects.toThrow('missing')
    expect((await generate(1)).seed).toBe(1)
    expect(attempts).toBe(2)
  })
})
