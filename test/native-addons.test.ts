import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The native addons (`.node` files) that importing `specifier` loads, in a fresh Node process:
 * every addon goes through `process.dlopen`, which the child records before importing.
 */
function addonsLoadedBy(specifier: string): string[] {
  const script = `
    const loaded = []
    const dlopen = process.dlopen
    process.dlopen = function (module, file, ...rest) { loaded.push(file); return dlopen.call(this, module, file, ...rest) }
    await import(${JSON.stringify(specifier)})
    console.log(JSON.stringify(loaded))`
  const cwd = fileURLToPath(new URL('.', import.meta.url))
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' })) as string[]
}

describe('platform-free imports (built packages)', () => {
  it.each(['gan-sdk/core', '@gan-sdk/exporter', '@gan-sdk/trainer'])('importing %s loads no native addon', (specifier) => {
    expect(addonsLoadedBy(specifier)).toEqual([])
  })

  it('while the Node entry gan-sdk loads onnxruntime-node’s binding (so the check above can fail)', () => {
    expect(addonsLoadedBy('gan-sdk')).toEqual([expect.stringMatching(/onnxruntime_binding\.node$/)])
  })
})
