import { readFile, readdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { defineConfig } from 'vite'

// onnxruntime-web loads its .wasm/.mjs files at run time: serve them at /ort/ in dev and emit them
// there in the build (gan-sdk's wasmPaths option points at it). Any static server can do the same.
const ortDist = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-web')), '')
const ORT_FILES = /^ort-wasm-simd-threaded\.asyncify\.(wasm|mjs)$/

function serveOnnxruntimeWeb() {
  return {
    name: 'serve-onnxruntime-web',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const name = req.url?.startsWith('/ort/') ? req.url.slice(5).split('?')[0] : undefined
        if (!name || !ORT_FILES.test(name)) return next()
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript')
        res.end(await readFile(join(ortDist, name)))
      })
    },
    async generateBundle() {
      for (const name of (await readdir(ortDist)).filter((n) => ORT_FILES.test(n))) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: await readFile(join(ortDist, name)) })
      }
    },
  }
}

export default defineConfig({
  plugins: [serveOnnxruntimeWeb()],
  // Pre-bundling would move these away from the files they load relative to themselves.
  optimizeDeps: { exclude: ['gan-sdk', 'onnxruntime-web'] },
  server: { host: '127.0.0.1' },
})
