#!/usr/bin/env node
// gan-sdk in headless Chromium, side by side in one run: ms per image and images/s at batch 1 and
// 64 on wasm (one thread; two threads on a cross-origin isolated page) and on WebGPU, and Node's
// CPU figure beside them. On a machine without a GPU, Chromium's WebGPU is SwiftShader (a CPU), so
// that row measures correctness and overhead, not GPU speed. Needs a build, Debian's chromium (or
// CHROMIUM_PATH) and playwright-core; `npm run bench:browser`. Writes bench/results/browser.{json,md}.
import { build } from 'esbuild'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { arch, cpus, platform } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '@gan-sdk/internal'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { Generator } from 'gan-sdk'

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '20' } } })
const REPS = Number(args.reps)
const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const bundle = async (entry) =>
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
  ).outputFiles[0].contents
const files = {
  '/harness.js': await bundle(here('../test/browser/harness.js')),
  '/models/mnist.onnx': await readFile(here('../models/mnist/mnist.onnx')),
}
const page = '<!doctype html><meta charset="utf-8"><script type="module" src="/harness.js"></script>'
const server = createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0]
  // Pages under /isolated/ are cross-origin isolated, so WebAssembly may use threads there.
  const isolated = path.startsWith('/isolated/')
  const headers = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}
  const local = isolated ? path.slice('/isolated'.length) : path
  const body =
    local === '/'
      ? page
      : local.startsWith('/ort/')
        ? await readFile(join(here('../node_modules/onnxruntime-web/dist/'), local.slice(5))).catch(() => undefined)
        : files[local]
  if (body === undefined) return res.writeHead(404).end()
  const type =
    local === '/'
      ? 'text/html'
      : extname(local) === '.wasm'
        ? 'application/wasm'
        : extname(local) === '.onnx'
          ? 'application/octet-stream'
          : 'text/javascript'
  res.writeHead(200, { 'Content-Type': type, ...headers }).end(body)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu', '--no-sandbox'],
})

/** Median ms of a batch of `batch` seeds, in the page, after 5 warm-up batches. */
async function inPage(url, device, threads) {
  const tab = await browser.newPage()
  await tab.goto(url)
  await tab.waitForFunction(() => globalThis.ganReady === true)
  const result = await tab.evaluate(
    async ({ device, threads, reps }) => {
      const g = await gan.Generator.load(
        '../models/mnist.onnx'.replace('../', location.pathname.startsWith('/isolated/') ? '/isolated/' : '/'),
        {
          device,
          fallback: false,
          wasmPaths: location.pathname.startsWith('/isolated/') ? '/isolated/ort/' : '/ort/',
          ...(threads ? { threads } : {}),
        },
      )
      const time = async (batch) => {
        const seeds = (i) => Array.from({ length: batch }, (_, k) => i * batch + k)
        for (let i = 0; i < 5; i++) await g.generateBatch(seeds(i))
        const ms = []
        for (let i = 0; i < reps; i++) {
          const t = performance.now()
          await g.generateBatch(seeds(i))
          ms.push(performance.now() - t)
        }
        return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]
      }
      return {
        device: g.device,
        threads: gan.Generator.wasmThreads,
        isolated: globalThis.crossOriginIsolated,
        one: await time(1),
        batch: await time(64),
      }
    },
    { device, threads, reps: REPS },
  )
  await tab.close()
  return result
}

const rows = [
  ['wasm, 1 thread', await inPage(`${base}/`, 'wasm')],
  ['wasm, 2 threads (cross-origin isolated)', await inPage(`${base}/isolated/`, 'wasm', 2)],
  ['webgpu (SwiftShader here: a CPU)', await inPage(`${base}/`, 'webgpu')],
]
await browser.close()
server.close()

const node = await Generator.load('mnist', { device: 'cpu' })
const time = async (batch) => {
  const seeds = (i) => Array.from({ length: batch }, (_, k) => i * batch + k)
  for (let i = 0; i < 5; i++) await node.generateBatch(seeds(i))
  const ms = []
  for (let i = 0; i < REPS; i++) {
    const t = performance.now()
    await node.generateBatch(seeds(i))
    ms.push(performance.now() - t)
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]
}
rows.push(['Node, onnxruntime-node CPU', { device: 'cpu', one: await time(1), batch: await time(64) }])

const result = {
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: `${platform()}-${arch()}`,
    node: process.version,
    chromium: browser.version(),
  },
  reps: REPS,
  rows: rows.map(([name, r]) => ({
    name,
    ...r,
    msPerImageAt1: Number(r.one.toFixed(3)),
    imagesPerSecAt64: Math.round((64 / r.batch) * 1000),
  })),
}
const md = `# gan-sdk in Chromium: the bundled MNIST model

Median of ${REPS} runs after 5 warm-up runs, per side; all sides in one run.

| where | ms per image, batch 1 | images/s, batch 64 |
| --- | --- | --- |
${result.rows.map((r) => `| ${r.name}${r.threads ? ` (onnxruntime-web threads: ${r.threads})` : ''} | ${r.msPerImageAt1} | ${r.imagesPerSecAt64} |`).join('\n')}

Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.platform}, Node ${result.machine.node}, Chromium ${result.machine.chromium} (headless, --enable-unsafe-webgpu).
`
const dir = here('./results/')
await writeFileAtomic(`${dir}browser.json`, `${JSON.stringify(result, null, 2)}\n`, { fsync: false })
await writeFileAtomic(`${dir}browser.md`, md, { fsync: false })
console.log(md)
await node.dispose()
