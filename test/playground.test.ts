import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { build } from 'vite'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../examples/playground/', import.meta.url))
/** Where the screenshot goes: CI keeps it as an artefact of this test. */
const OUTPUT = fileURLToPath(new URL('.output/', import.meta.url))
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
}

// The playground as a user gets it: `vite build`, served by a plain static server, opened in
// headless Chromium; it must load the bundled model, generate and draw.
describe('examples/playground', () => {
  it('builds, loads the bundled model, generates a grid and draws it on the canvas', { timeout: 180_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-playground-'))
    await build({ root: ROOT, logLevel: 'silent', cacheDir: join(outDir, '.vite'), build: { outDir, emptyOutDir: true } })
    const server = createServer(async (req, res) => {
      const path = normalize((req.url ?? '/').split('?')[0]!.replace(/\/$/, '/index.html'))
      const body = await readFile(join(outDir, path)).catch(() => undefined)
      if (body === undefined) return res.writeHead(404).end()
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--enable-unsafe-webgpu', '--no-sandbox'],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } })
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      expect(await settledStatus(page)).toMatch(/^gan-sdk\/mnist-conditional, 28×28 on (webgpu|wasm).* — [\d.]+ ms per image\.$/)
      const digits = await gridPixels(page)
      expect(digits).toMatchObject({ width: 4 * 28 + 5 * 2, height: 4 * 28 + 5 * 2 })
      expect(countPixels(digits.rgba, (r) => r > 128)).toBeGreaterThan(16 * 20) // every digit has some ink
      await mkdir(OUTPUT, { recursive: true })
      await page.screenshot({ path: join(OUTPUT, 'playground.png') })
      // worker: true in a Vite build: the worker's script must be bundled (its imports resolved).
      expect(await settledStatus(page, () => page.check('#worker'))).toMatch(
        /^gan-sdk\/mnist-conditional, 28×28 on (webgpu|wasm).* — [\d.]+ ms per image\.$/,
      )
      // The other bundled model, picked from the list: 32×32 colour emoji, drawn with their colours.
      expect(await settledStatus(page, () => page.selectOption('#model', 'emoji'))).toMatch(
        /^gan-sdk\/emoji-conditional, 32×32 on (webgpu|wasm).* — [\d.]+ ms per image\.$/,
      )
      const emoji = await gridPixels(page)
      expect(emoji).toMatchObject({ width: 4 * 32 + 5 * 2, height: 4 * 32 + 5 * 2 })
      expect(countPixels(emoji.rgba, (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b) > 64)).toBeGreaterThan(16 * 20) // every emoji has some colour
      // One copy of onnxruntime-web's runtime in the build.
      const wasm = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.wasm'))
      expect(wasm).toHaveLength(1)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
      server.close()
    }
  })
})

/** The page's status once it says how fast images are made (or an error), after `action` if given (the old status is cleared first). */
async function settledStatus(page: Page, action?: () => Promise<unknown>): Promise<string | null> {
  if (action) {
    await page.evaluate(() => (document.getElementById('status')!.textContent = ''))
    await action()
  }
  await page.waitForFunction(() => /ms per image|error/i.test(document.getElementById('status')?.textContent ?? ''), undefined, {
    timeout: 120_000,
  })
  return page.textContent('#status')
}

/** The grid canvas's size and RGBA bytes. */
function gridPixels(page: Page): Promise<{ width: number; height: number; rgba: number[] }> {
  return page.evaluate(() => {
    const canvas = document.getElementById('grid') as HTMLCanvasElement
    const rgba = Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data)
    return { width: canvas.width, height: canvas.height, rgba }
  })
}

/** How many pixels of `rgba` pass `test`. */
function countPixels(rgba: readonly number[], test: (r: number, g: number, b: number) => boolean): number {
  let n = 0
  for (let i = 0; i < rgba.length; i += 4) if (test(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!)) n++
  return n
}
