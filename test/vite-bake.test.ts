import { decode } from 'fast-png'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, createServer } from 'vite'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../examples/vite-bake/', import.meta.url))

// examples/vite-bake through the built gan-sdk/vite plugin: `vite build` emits the baked images as
// hashed assets, and the dev server bakes and serves them.
describe('examples/vite-bake', () => {
  it('vite build emits the 8 baked digits as hashed assets and the page references them', { timeout: 120_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-vite-'))
    const cacheDir = join(outDir, '.vite-cache')
    await build({ root: ROOT, logLevel: 'silent', cacheDir, build: { outDir, emptyOutDir: true } })
    const assets = await readdir(join(outDir, 'assets'))
    const pngs = assets.filter((f) => f.endsWith('.png')).sort()
    expect(pngs.map((f) => f.replace(/-[\w-]{8}\.png$/, ''))).toEqual(
      // <model>-<seed>-<label>: each seed draws its own digit
      [0, 1, 2, 3, 4, 5, 6, 7].map((s) => `mnist-${s}-${s}`),
    )
    for (const png of pngs)
      expect(decode(await readFile(join(outDir, 'assets', png)))).toMatchObject({ width: 56, height: 56, channels: 1 })
    const js = await readFile(
      join(
        outDir,
        'assets',
        assets.find((f) => f.endsWith('.js'))!,
      ),
      'utf8',
    )
    for (const png of pngs) expect(js).toContain(`/assets/${png}`)
    expect(await readFile(join(outDir, 'index.html'), 'utf8')).toMatch(
      /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/,
    )
  })

  it('the dev server bakes on the first request of the module and serves the images', { timeout: 120_000 }, async () => {
    const server = await createServer({
      root: ROOT,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, hmr: false },
      cacheDir: join(await mkdtemp(join(tmpdir(), 'gan-vite-dev-')), 'c'),
    })
    await server.listen()
    try {
      const base = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`
      const main = await (await fetch(`${base}/src/main.js`)).text()
      const moduleUrl = /from "([^"]*gan:mnist[^"]*)"/.exec(main)?.[1]
      expect(moduleUrl).toBeDefined()
      const module = await (await fetch(`${base}${moduleUrl}`)).text()
      const srcs = [...module.matchAll(/src: "([^"]+)"/g)].map((m) => m[1]!)
      expect(srcs).toHaveLength(8)
      const response = await fetch(`${base}${srcs[3]}`)
      expect(response.headers.get('content-type')).toBe('image/png')
      expect(decode(new Uint8Array(await response.arrayBuffer()))).toMatchObject({ width: 56, height: 56 })
    } finally {
      await server.close()
    }
  })
})
