import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: 'esm',
  // The CLI has no exports, so only the library gets declarations.
  dts: { entry: 'src/index.ts' },
  target: 'node20',
  clean: true,
  sourcemap: true,
  // The private workspace package of shared Node chores ships inside the build, never as a dependency.
  noExternal: ['@gan-sdk/internal'],
  // Only the bin gets `#!/usr/bin/env node`: esbuild keeps src/cli.ts's hashbang on its entry chunk,
  // whereas tsup's `banner` would stamp it on every output file.
})
