import { build } from 'esbuild'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Generator } from 'gan-sdk'
import { tinyGenerator } from '../packages/sdk/src/testing/tiny-generator.js'

/** Debian's chromium, which .ci/run installs when it is missing. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const ORT_DIST = fileURLToPath(new URL('../node_modules/onnxruntime-web/dist/', import.meta.url))
const MNIST = fileURLToPath(new URL('../models/mnist/mnist.onnx', import.meta.url))
const SEEDS = [0, 1, 2, 3, 42, 'hello']
const CLASSES = ['cat', 'dog', 'owl']

let server: Server
let browser: Browser
let page: Page

/** A page that has gan-sdk's browser build, served from 127.0.0.1 (a secure context, so WebGPU is allowed). */
beforeAll(async () => {
  const bundleOf = async (entry: string) =>
    (
      await build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        conditions: ['browser'],
        logLevel: 'silent',
      })
    ).outputFiles[0]!.contents
  // esbuild does not follow new Worker(new URL(…)): the worker is bundled on its own, and served where the page's URL points.
  const [bundle, worker] = await Promise.all([
    bundleOf(fileURLToPath(new URL('browser/harness.js', import.meta.url))),
    bundleOf(fileURLToPath(new URL('../packages/sdk/dist/session-worker.browser.js', import.meta.url))),
  ])
  const files: Record<string, { body: Uint8Array | string; type: string }> = {
    '/': {
      body: '<!doctype html><meta charset="utf-8"><title>gan-sdk browser tests</title><script type="module" src="/harness.js"></script>',
      type: 'text/html',
    },
    '/harness.js': { body: bundle, type: 'text/javascript' },
    '/session-worker.browser.js': { body: worker, type: 'text/javascript' },
    '/models/mnist.onnx': { body: await readFile(MNIST), type: 'application/octet-stream' },
    '/models/cond.onnx': { body: tinyGenerator({ latentSize: 6, width: 3, height: 2, labels: CLASSES }), type: 'application/octet-stream' },
  }
  server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    const file = files[path]
    if (file !== undefined) return res.writeHead(200, { 'Content-Type': file.type }).end(file.body)
    // A single-page app's host: a path it lacks is its index page.
    if (path.startsWith('/spa/')) return res.writeHead(200, { 'Content-Type': files['/']!.type }).end(files['/']!.body)
    if (path.startsWith('/ort/')) {
      const body = await readFile(join(ORT_DIST, path.slice(5))).catch(() => undefined)
      if (body !== undefined)
        return res.writeHead(200, { 'Content-Type': extname(path) === '.wasm' ? 'application/wasm' : 'text/javascript' }).end(body)
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu', '--no-sandbox'] })
  page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  await page.waitForFunction(() => (globalThis as { ganReady?: boolean }).ganReady === true)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

/** What harness.js puts on the page: the browser build's API. */
declare const gan: typeof import('../packages/sdk/src/index.browser.js')

describe.each(['wasm', 'webgpu'] as const)('gan-sdk in Chromium on %s', (device) => {
  it('generates the same digits as Node on the CPU, within 2/255 per channel', { timeout: 120_000 }, async () => {
    const inPage = await page.evaluate(
      async ({ device, seeds }) => {
        const g = await gan.Generator.load('/models/mnist.onnx', { device, fallback: false, wasmPaths: '/ort/' })
        const images = await g.generateBatch(seeds)
        return { device: g.device, fallbacks: g.fallbacks, data: images.map((i) => Array.from(i.data)) }
      },
      { device, seeds: SEEDS },
    )
    expect(inPage.device).toBe(device)
    const node = await (await Generator.load(await readFile(MNIST), { device: 'cpu' })).generateBatch(SEEDS)
    let max = 0
    inPage.data.forEach((pixels, n) => pixels.forEach((v, i) => (max = Math.max(max, Math.abs(v - node[n]!.data[i]!)))))
    console.log(`Chromium ${device} vs Node CPU: max |difference| ${max}/255 over ${SEEDS.length} images`)
    expect(max).toBeLessThanOrEqual(2)
  })

  it('keeps the SDK’s behaviour: batches equal singles, truncation, labels, errors, images', { timeout: 120_000 }, async () => {
    const r = await page.evaluate(
      async ({ device }) => {
        const load = (url: string) => gan.Generator.load(url, { device, fallback: false, wasmPaths: '/ort/' })
        const g = await load('/models/mnist.onnx')
        const [a, b] = await g.generateBatch([5, 'x'])
        const same = (p: { data: Uint8Array }, q: { data: Uint8Array }) => p.data.every((v, i) => v === q.data[i])
        const truncated = await g.generate(5, { truncation: 0.5 })
        const cond = await load('/models/cond.onnx')
        const owl = await cond.generate(9, { label: 'owl' })
        const codeOf = async (p: Promise<unknown>) =>
          p.then(
            () => 'none',
            (e: { code?: string }) => e.code,
          )
        const png = new Uint8Array(await a!.toBlob().arrayBuffer())
        const canvas = new OffscreenCanvas(28, 28)
        a!.drawTo(canvas)
        const drawn = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data
        return {
          batchEqualsSingles: same(a!, await g.generate(5)) && same(b!, await g.generate('x')),
          truncation: truncated.truncation === 0.5 && same(truncated, await g.fromLatent(g.latent(5, { truncation: 0.5 }), { label: '5' })),
          labels: [owl.label, (await cond.generateBatch([0, 1, 2])).map((i) => i.label)],
          errors: [
            await codeOf(g.generate(-1)),
            await codeOf(cond.generate(1, { label: 'cow' })),
            await codeOf(load('/models/missing.onnx')),
            await codeOf(load('/spa/models/mnist.onnx')),
          ],
          provenance: gan.readProvenance(png),
          imageData: [a!.toImageData().width, drawn.every((v, i) => v === a!.data[i])],
        }
      },
      { device },
    )
    expect(r.batchEqualsSingles).toBe(true)
    expect(r.truncation).toBe(true)
    expect(r.labels).toEqual(['owl', CLASSES])
    expect(r.errors).toEqual(['ERR_INVALID_SEED', 'ERR_INVALID_LABEL', 'ERR_MODEL_NOT_FOUND', 'ERR_MODEL_NOT_FOUND'])
    expect(r.provenance).toMatchObject({ model: 'gan-sdk/mnist-conditional', seed: 5, label: '5', truncation: 1 })
    expect(r.imageData).toEqual([28, true])
  })
})

describe('gan-sdk in Chromium with worker: true', () => {
  it('runs the model in a Web Worker: the same images, and the page keeps running meanwhile', { timeout: 120_000 }, async () => {
    const r = await page.evaluate(async (seeds) => {
      const options = { device: 'wasm' as const, fallback: false, wasmPaths: '/ort/' }
      const [inPage, inWorker] = await Promise.all([
        gan.Generator.load('/models/mnist.onnx', options),
        gan.Generator.load('/models/mnist.onnx', { ...options, worker: true }),
      ])
      const a = await inPage.generateBatch(seeds)
      const b = await inWorker.generateBatch(seeds)
      /** Turns of the page's event loop while 2,048 images are generated in runs of 256. */
      const turnsDuring = async (g: typeof inPage) => {
        let done = false
        let turns = 0
        const channel = new MessageChannel()
        channel.port1.onmessage = () => {
          turns++
          if (!done) channel.port2.postMessage(0)
        }
        channel.port2.postMessage(0)
        await g.generateBatch(Array.from({ length: 2048 }, (_, i) => i))
        done = true
        return turns
      }
      return {
        same: a.every((image, n) => image.data.every((v, i) => v === b[n]!.data[i])),
        blocked: await turnsDuring(inPage),
        free: await turnsDuring(inWorker),
      }
    }, SEEDS)
    expect(r.same).toBe(true)
    // In the page, the loop turns only between runs; with the worker it keeps turning.
    expect(r.free).toBeGreaterThan(10 * r.blocked)
  })
})
