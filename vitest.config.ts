import { defineConfig } from 'vitest/config'

// One run covers every package's unit tests (beside their code) and the cross-package tests in test/.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/scripts/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One temporary folder per run, removed at its end (test/temp-dir.ts).
    globalSetup: ['test/temp-dir.ts'],
  },
})
