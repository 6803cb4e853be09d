import { copyFile, mkdir, rm } from 'node:fs/promises'
import { defineConfig } from 'tsup'

const MODEL = '../../models/mnist/mnist.onnx'
const BUNDLED = 'assets/mnist.onnx'

export default defineConfig({
  // By name, so the workers land beside the chunks that start it: new URL('./session-worker.js', import.meta.url)
  // finds src/node/session-worker.js from src/node/ and dist/session-worker.js from dist/ (encode-worker.js likewise).
  entry: {
    'index.node': 'src/index.node.ts',
    'index.core': 'src/index.core.ts',
    cli: 'src/cli.ts',
    'index.bake': 'src/index.bake.ts',
    'index.vite': 'src/index.vite.ts',
    'session-worker': 'src/node/session-worker.js',
    'encode-worker': 'src/bake/encode-worker.js',
  },
  format: 'esm',
  dts: { entry: ['src/index.node.ts', 'src/index.core.ts', 'src/index.bake.ts', 'src/index.vite.ts'] },
  target: 'node20',
  clean: true,
  sourcemap: true,
  external: ['onnxruntime-node', 'vite'],
  // The private workspace package of shared Node chores ships inside the build, never as a dependency.
  noExternal: ['@gan-sdk/internal', '@bufbuild/protobuf', 'onnx-buf', 'fast-png'],
  // Ship the bundled model in the package (files: ["bin", "dist", "assets"]). A checkout without the
  // trained model still builds, since training itself (npm run train:mnist) needs this build; the
  // stale copy is removed so that Generator.load() reports the model missing instead of using it.
  async onSuccess() {
    await mkdir('assets', { recursive: true })
    try {
      await copyFile(MODEL, BUNDLED)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      await rm(BUNDLED, { force: true })
      console.warn(`[gan-sdk build] ${MODEL} does not exist yet: built without the bundled model (npm run train:mnist makes it).`)
    }
  },
})
