#!/usr/bin/env node
// Bin shim: present from install time (so npm links it), loads the built CLI lazily.
try {
  await import('../dist/cli.js')
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('[gan-export] the package is not built yet: run `npm run build` at the repository root.')
    process.exit(1)
  }
  throw err
}
