import { describe, expect, it } from 'vitest'
import { modelResponseBytes } from './model-response.js'
import { rejectionOf } from '../testing/gan-error.js'

const URL_ = 'https://example.org/m.onnx'

describe('modelResponseBytes', () => {
  it('is the body of a 2xx answer that is not HTML', async () => {
    const bytes = new Uint8Array([8, 7, 18, 0])
    for (const type of ['application/octet-stream', 'text/plain', '']) {
      const response = new Response(bytes, { headers: type ? { 'content-type': type } : {} })
      expect(await modelResponseBytes(URL_, response)).toEqual(bytes)
    }
  })

  it('an HTTP error is ERR_MODEL_NOT_FOUND with the status, its body cancelled (not left holding the connection)', async () => {
    let cancelled = false
    const body = new ReadableStream({ cancel: () => void (cancelled = true) })
    const err = await rejectionOf(modelResponseBytes(URL_, new Response(body, { status: 404, statusText: 'Not Found' })))
    expect(err.code).toBe('ERR_MODEL_NOT_FOUND')
    expect(err.message).toBe(`[gan-sdk] model URL "${URL_}" answered HTTP 404 Not Found: check the address.`)
    expect(cancelled).toBe(true)
  })

  it('an HTML page is ERR_MODEL_NOT_FOUND saying what such a page usually is', async () => {
    for (const type of ['text/html', 'text/html; charset=utf-8', 'TEXT/HTML']) {
      const err = await rejectionOf(modelResponseBytes(URL_, new Response('<!doctype html>', { headers: { 'content-type': type } })))
      expect(err.code).toBe('ERR_MODEL_NOT_FOUND')
      expect(err.message).toMatch(/answered with an HTML page, not a model: check the address\. .*raw download URL/)
    }
  })
})
