import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { describe, expect, it, vi } from 'vitest'
import { BUNDLED_MODEL_URL } from '../bundled-model.js'
import { readModelFile } from './read-model.js'
import { rejectionOf } from '../testing/gan-error.js'

// The real readFile, made stubbable: the bundled-model case needs a missing file the build did copy.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  return { ...actual, readFile: vi.fn(actual.readFile) }
})

describe('readModelFile', () => {
  it('reads paths and file: URLs', async () => {
    const bytes = await readModelFile(new URL(import.meta.url))
    expect(new TextDecoder().decode(bytes)).toContain('reads paths and file: URLs')
  })

  it('ERR_MODEL_NOT_FOUND names the path and why', async () => {
    expect((await rejectionOf(readModelFile('/no/such/model.onnx'))).message).toBe(
      '[gan-sdk] model file "/no/such/model.onnx" does not exist: pass the path of a .onnx generator.',
    )
    expect((await rejectionOf(readModelFile(tmpdir()))).message).toMatch(/is a directory/)
  })

  it('a missing bundled model says how to get it', async () => {
    vi.mocked(readFile).mockRejectedValueOnce(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }))
    const err = await rejectionOf(readModelFile(BUNDLED_MODEL_URL))
    expect(err.code).toBe('ERR_MODEL_NOT_FOUND')
    expect(err.message).toMatch(
      /^\[gan-sdk\] the bundled MNIST model is missing from this install \(".*assets\/mnist\.onnx"\): build gan-sdk with models\/mnist\/mnist\.onnx present/,
    )
  })
})
