import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

// The browser entry as an app's bundler sees it: `import 'gan-sdk'` under the browser condition.
// onnxruntime-web stays external (the app bundles it as it likes); everything else must bundle
// for the browser without a single Node module.
describe('gan-sdk in a browser bundle', () => {
  it('resolves to the browser build, pulls no Node module, and is small', async () => {
    const result = await build({
      stdin: { contents: "export { Generator, generate, grid, readProvenance } from 'gan-sdk'", resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['browser'],
      minify: true,
      metafile: true,
      external: ['onnxruntime-web', 'onnxruntime-web/*'],
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((i) => i.endsWith('packages/sdk/dist/index.browser.js'))).toBe(true)
    expect(inputs.filter((i) => /onnxruntime-node|index\.node|node_modules\/(sharp|vite)\/|^node:/.test(i))).toEqual([])
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))
    expect(imports.every((p) => p.startsWith('onnxruntime-web'))).toBe(true)
    const bytes = result.outputFiles[0]!.contents
    const gzipped = gzipSync(bytes).length
    console.log(
      `gan-sdk browser build, minified: ${(bytes.length / 1024).toFixed(1)} KiB, gzipped: ${(gzipped / 1024).toFixed(1)} KiB (without onnxruntime-web)`,
    )
    expect(gzipped).toBeLessThan(100 * 1024)
  })
})
