import { defineConfig } from 'vite'

export default defineConfig({
  // Pre-bundling would move these away from the files they load relative to themselves (the bundled
  // models, onnxruntime-web's .wasm): needed by the dev server of Vite 5–7, harmless on Vite 8.
  optimizeDeps: { exclude: ['gan-sdk', 'onnxruntime-web'] },
  server: { host: '127.0.0.1' },
})
