import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { describe, expect, it, vi } from 'vitest'
import { BUNDLED_MODELS } from '../bundled-model.js'
import { readKnownModel, readModelFile } from './read-model.js'
import { readModelInfo } from '../core/model-info.js'
import { createHash } from 'node:crypto'
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
    expect((await rejectionOf(readModelFile(tmpdir()))).message).toMatch(/is a directory: pass the path of a \.onnx generator\.$/)
    // A bare word was more likely a mistyped bundled name.
    expect((await rejectionOf(readModelFile('mnst'))).message).toBe(
      `[gan-sdk] model file "mnst" does not exist: pass the path of a .onnx generator or a bundled model's name (${Object.keys(BUNDLED_MODELS).join(', ')}).`,
    )
  })

  it('a training run given as the model says to export it first', async () => {
    // A name the shell must quote: the command in the message is one to paste.
    const run = join(await mkdtemp(join(tmpdir(), 'gan-run-')), "Jo's run")
    try {
      await mkdir(run)
      await writeFile(join(run, 'gan.json'), '{}')
      const err = await rejectionOf(readModelFile(run))
      expect(err.code).toBe('ERR_MODEL_FORMAT')
      expect(err.message).toBe(
        `[gan-sdk] model file ${JSON.stringify(run)} is a training run (it holds gan.json), not a generator: export it to ONNX first, \`gan-export '${run.replace("'", "'\\''")}' --out model.onnx\` (@gan-sdk/exporter), and load model.onnx.`,
      )
    } finally {
      await rm(dirname(run), { recursive: true })
    }
  })

  it.each(Object.keys(BUNDLED_MODELS))('a missing bundled model (%s) says how to get it, for its URL or an equal one', async (name) => {
    const url = BUNDLED_MODELS[name as keyof typeof BUNDLED_MODELS]
    for (const source of [url, new URL(url.href)]) {
      vi.mocked(readFile).mockRejectedValueOnce(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }))
      const err = await rejectionOf(readModelFile(source))
      expect(err.code).toBe('ERR_MODEL_NOT_FOUND')
      expect(err.message).toMatch(
        new RegExp(
          `^\\[gan-sdk\\] the bundled model "${name}" is missing from this install \\(".*assets/${name}\\.onnx"\\): build gan-sdk with models/${name}/${name}\\.onnx present`,
        ),
      )
    }
  })

  it('fetches http(s) URLs, given as URL objects or strings; a failed fetch, a non-2xx answer or an HTML page is ERR_MODEL_NOT_FOUND', async () => {
    const model = new Uint8Array([1, 2, 3, 4])
    const server = createServer((req, res) => {
      if (req.url === '/m.onnx') res.end(model)
      // A single-page app's host: every path it lacks is its index page.
      else if (req.url === '/spa/m.onnx')
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title>')
      else res.writeHead(404, 'Not Found').end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      expect(await readModelFile(new URL(`${base}/m.onnx`))).toEqual(model)
      expect(await readModelFile(`${base}/m.onnx`)).toEqual(model)
      expect((await rejectionOf(readModelFile(`${base}/gone.onnx`))).message).toBe(
        `[gan-sdk] model URL "${base}/gone.onnx" answered HTTP 404 Not Found: check the address.`,
      )
      const page = await rejectionOf(readModelFile(`${base}/spa/m.onnx`))
      expect(page.code).toBe('ERR_MODEL_NOT_FOUND')
      expect(page.message).toMatch(/^\[gan-sdk\] model URL ".*\/spa\/m\.onnx" answered with an HTML page, not a model: /)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    const refused = await rejectionOf(readModelFile(`${base}/m.onnx`))
    expect(refused.code).toBe('ERR_MODEL_NOT_FOUND')
    expect(refused.message).toMatch(/cannot be fetched \([A-Z_]+\): check the address and the network\.$/)
  })

  it('other URL schemes are ERR_INVALID_OPTION', async () => {
    const err = await rejectionOf(readModelFile(new URL('ftp://example.com/m.onnx')))
    expect(err.code).toBe('ERR_INVALID_OPTION')
    expect(err.message).toMatch(/has the scheme ftp:, which gan-sdk cannot read: pass a path, a file: URL or an http\(s\) URL/)
  })
})

describe('readKnownModel', () => {
  it.each(Object.entries(BUNDLED_MODELS))(
    'gives what the build recorded beside the bundled model %s: what reading the file gives, and its hash',
    async (_, url) => {
      const bytes = await readModelFile(url)
      expect(await readKnownModel(url)).toEqual({
        sha256: createHash('sha256').update(bytes).digest('hex'),
        info: readModelInfo(bytes),
      })
      expect(await readKnownModel('mnist.onnx')).toBeUndefined()
      expect(await readKnownModel(new URL('file:///tmp/other.onnx'))).toBeUndefined()
    },
  )
})
