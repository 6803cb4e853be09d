import { copyFile, mkdir } from 'node:fs/promises'
import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.node.ts', 'src/contract.ts', 'src/cli.ts'],
  format: 'esm',
  dts: { entry: ['src/index.node.ts', 'src/contract.ts'] },
  target: 'node20',
  clean: true,
  sourcemap: true,
  external: ['onnxruntime-node'],
  // Ship the bundled model inside the package (files: ["dist", "assets"]).
  async onSuccess() {
    await mkdir('assets', { recursive: true })
    await copyFile('../../models/mnist/mnist.onnx', 'assets/mnist.onnx')
  },
})
