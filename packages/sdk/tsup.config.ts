import { copyFile, mkdir, rm } from 'node:fs/promises'
import { defineConfig } from 'tsup'

const MODEL = '../../models/mnist/mnist.onnx'
const BUNDLED = 'assets/mnist.onnx'

export default defineConfig({
  entry: ['src/index.node.ts', 'src/index.core.ts', 'src/cli.ts'],
  format: 'esm',
  dts: { entry: ['src/index.node.ts', 'src/index.core.ts'] },
  target: 'node20',
  clean: true,
  sourcemap: true,
  external: ['onnxruntime-node'],
  // The private workspace package of shared Node chores ships inside the build, never as a dependency.
  noExternal: ['@gan-sdk/internal'],
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
