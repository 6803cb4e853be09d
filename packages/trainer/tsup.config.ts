import { defineConfig } from 'tsup'

export default defineConfig({
  // By name, so the replica worker lands beside the chunks that start it: new URL('./replica-worker.js', import.meta.url).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'replica-worker': 'src/parallel/replica-worker.ts' },
  format: 'esm',
  dts: { entry: 'src/index.ts' },
  target: 'node20',
  clean: true,
  sourcemap: true,
  // The private workspace package of shared Node chores ships inside the build, never as a dependency.
  noExternal: ['@gan-sdk/internal'],
})
