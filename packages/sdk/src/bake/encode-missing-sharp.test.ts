import { describe, expect, it, vi } from 'vitest'
import { rejectionOf } from '../testing/gan-error.js'
import { createImageWriter } from './encode.js'

// As on a machine where the optional peer is not installed.
vi.mock('sharp', () => {
  throw Object.assign(new Error("Cannot find package 'sharp'"), { code: 'ERR_MODULE_NOT_FOUND' })
})

describe('without sharp', () => {
  it('WebP, AVIF and resizing fail with ERR_MISSING_DEPENDENCY saying npm i sharp; plain PNG needs nothing', async () => {
    const webp = await rejectionOf(createImageWriter({ format: 'webp', size: undefined, quality: 90, workers: 1 }))
    expect(webp.code).toBe('ERR_MISSING_DEPENDENCY')
    expect(webp.message).toBe(
      "[gan-sdk] format webp needs sharp, an optional peer dependency of gan-sdk that is not installed: npm i sharp (or bake PNGs at the model's size, which need nothing).",
    )
    expect((await rejectionOf(createImageWriter({ format: 'png', size: 64, quality: 0, workers: 1 }))).message).toMatch(
      /^\[gan-sdk\] size 64 needs sharp/,
    )
    const png = await createImageWriter({ format: 'png', size: undefined, quality: 0, workers: 1 })
    await png.close()
  })
})
