import { defineConfig } from 'tsup'

// The packages bundle this one from its build (tsup's noExternal); the repository's .mjs scripts
// (models/*/reproduce.mjs) import it too. Types come from src/ (package.json "types").
export default defineConfig({
  entry: ['src/index.ts', 'src/feature-layers.ts'],
  format: 'esm',
  target: 'node20',
  clean: true,
  sourcemap: true,
})
