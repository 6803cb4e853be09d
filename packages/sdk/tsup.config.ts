import { createHash } from 'node:crypto'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { writeFileAtomic } from '@gan-sdk/internal'
import { defineConfig } from 'tsup'
import type { KnownModel } from './src/core/known-model.js'
import { inspectModel } from './src/core/inspect-model.js'
import { BUNDLED_MODELS } from './src/bundled-model.js'

// Bundled into the build, never installed: the protobuf reader, the ONNX schema, the PNG codec (a
// faster import: one file instead of hundreds), and the private package of shared Node chores.
const BUNDLED_DEPENDENCIES = ['@gan-sdk/internal', '@bufbuild/protobuf', 'onnx-buf', 'fast-png']

// Two builds into one dist/ (the package script empties it first, so neither config cleans).
export default defineConfig([
  {
    // By name, so the workers land beside the chunks that start them: new URL('./session-worker.js', import.meta.url)
    // finds src/node/session-worker.js from src/node/ and dist/session-worker.js from dist/ (write-worker.js likewise).
    entry: {
      'index.node': 'src/index.node.ts',
      'index.core': 'src/index.core.ts',
      cli: 'src/cli.ts',
      'index.bake': 'src/index.bake.ts',
      'index.vite': 'src/index.vite.ts',
      'session-worker': 'src/node/session-worker.js',
      'write-worker': 'src/bake/write-worker.js',
    },
    format: 'esm',
    dts: { entry: ['src/index.node.ts', 'src/index.core.ts', 'src/index.bake.ts', 'src/index.vite.ts'] },
    target: 'node20',
    sourcemap: true,
    external: ['onnxruntime-node', 'vite'],
    noExternal: BUNDLED_DEPENDENCIES,
    // Ship the bundled models in the package (files: ["bin", "dist", "assets"]). A checkout without a
    // trained model still builds, since training itself (npm run train:<name>) needs this build; the
    // stale copy is removed so that Generator.load() reports the model missing instead of using it.
    // Beside each, what reading it gives (src/core/known-model.ts), its weights checked here, so that
    // loading it needs no ONNX parsing.
    async onSuccess() {
      await mkdir('assets', { recursive: true })
      await Promise.all(Object.keys(BUNDLED_MODELS).map(bundle))
    },
  },
  {
    // The browser entry: onnxruntime-web stays external (the app's bundler resolves it, and its
    // .wasm files), Node modules never enter (test/sdk-browser-bundle.test.ts holds that).
    // The worker, by name beside the entry: new URL('./session-worker.browser.js', import.meta.url).
    entry: { 'index.browser': 'src/index.browser.ts', 'session-worker.browser': 'src/browser/session-worker.browser.js' },
    format: 'esm',
    dts: { entry: ['src/index.browser.ts'] },
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    external: ['onnxruntime-web', 'onnxruntime-web/webgpu'],
    noExternal: BUNDLED_DEPENDENCIES,
  },
])

/** Copy models/<name>/<name>.onnx into assets/, with its record beside it (assets/<name>.json). */
async function bundle(name: string): Promise<void> {
  const model = `../../models/${name}/${name}.onnx`
  const [bundled, known] = [`assets/${name}.onnx`, `assets/${name}.json`]
  try {
    const bytes = new Uint8Array(await readFile(model))
    const { model: info, integrity } = inspectModel(bytes, {}, model)
    await integrity
    const record: KnownModel = { sha256: createHash('sha256').update(bytes).digest('hex'), info }
    await writeFileAtomic(bundled, bytes, { fsync: false })
    await writeFileAtomic(known, `${JSON.stringify(record, null, 2)}\n`, { fsync: false })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    await Promise.all([rm(bundled, { force: true }), rm(known, { force: true })])
    console.warn(`[gan-sdk build] ${model} does not exist yet: built without that bundled model (npm run train:${name} makes it).`)
  }
}
