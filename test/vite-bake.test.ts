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

  it(
    'the dev server bakes on the first request of the module and serves the images, after a restart too',
    { timeout: 120_000 },
    async () => {
      const cacheDir = join(await mkdtemp(join(tmpdir(), 'gan-vite-dev-')), 'c')
      const start = async () => {
        const server = await createServer({ root: ROOT, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, hmr: false }, cacheDir })
        await server.listen()
        return { server, base: `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}` }
      }
      const first = await start()
      let srcs: string[]
      try {
        const main = await (await fetch(`${first.base}/src/main.js`)).text()
        const moduleUrl = /from "([^"]*gan:mnist[^"]*)"/.exec(main)?.[1]
        expect(moduleUrl).toBeDefined()
        const module = await (await fetch(`${first.base}${moduleUrl}`)).text()
        srcs = [...module.matchAll(/src: "([^"]+)"/g)].map((m) => m[1]!)
        expect(srcs).toHaveLength(8)
        const response = await fetch(`${first.base}${srcs[3]}`)
        expect(response.headers.get('content-type')).toBe('image/png')
        expect(decode(new Uint8Array(await response.arrayBuffer()))).toMatchObject({ width: 56, height: 56 })
      } finally {
        await first.server.close()
      }
      // A page still open across a restart asks for its images before its gan: module loads again.
      const second = await start()
      try {
        const again = await fetch(`${second.base}${srcs[3]}`)
        expect([again.status, again.headers.get('content-type')]).toEqual([200, 'image/png'])
        const missing = await fetch(`${second.base}${srcs[3]!.replace(/[^/]+$/, 'mnist-99.png')}`)
        expect([missing.status, await missing.text()]).toEqual([404, expect.stringMatching(/^gan-sdk: no baked image at \/@gan-sdk\//)])
        expect((await fetch(`${second.base}/@gan-sdk/0123456789abcdef/%2E%2E%2Fpackage.json`)).status).toBe(404)
      } finally {
        await second.server.close()
      }
    },
  )
})
