// ESLint for the whole tree (npm run lint): typescript-eslint's recommended rules. Formatting is
// Prettier's job (npm run format), so no stylistic rules here.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', 'packages/sdk/assets/', '**/*-wasm.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Browser code: the examples' pages, the SDK's Web Worker.
    files: ['examples/*/src/**', 'packages/sdk/src/browser/*.js', 'bench/browser.bench.mjs'],
    languageOptions: {
      globals: {
        self: 'readonly',
        location: 'readonly',
        gan: 'readonly',
        document: 'readonly',
        window: 'readonly',
        navigator: 'readonly',
        Option: 'readonly',
        requestAnimationFrame: 'readonly',
        cancelAnimationFrame: 'readonly',
      },
    },
  },
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        WebAssembly: 'readonly',
        atob: 'readonly',
        structuredClone: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
)
