import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: 'esm',
  dts: { entry: 'src/index.ts' },
  target: 'node20',
  clean: true,
  sourcemap: true,
  // The private workspace package of shared Node chores ships inside the build, never as a dependency.
  noExternal: ['@gan-sdk/internal'],
})
