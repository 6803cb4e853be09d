// Compiles the WebAssembly kernels src/core/kernels/*.wat with wabt (the WebAssembly project's own
// toolkit, a dev dependency) into src/core/kernels/<name>-wasm.ts, which carry the bytes as base64, written
// atomically. Run it after editing a .wat: `npm run build:wasm -w gan-sdk`. The kernels' tests
// fail when a committed module and its .wat disagree.
import { readFile, rename, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import wabt from 'wabt'

/** The kernel modules, by the name of their .wat file in src/core/kernels. */
export const KERNELS = ['pixels', 'latents']

/** @param {string} file */
const core = (file) => fileURLToPath(new URL(`../src/core/kernels/${file}`, import.meta.url))

/**
 * The binary module compiled from src/core/kernels/<name>.wat.
 * @param {string} name
 * @returns {Promise<Uint8Array>}
 */
export async function compileKernels(name) {
  const toolkit = await wabt()
  const module = toolkit.parseWat(`${name}.wat`, await readFile(core(`${name}.wat`), 'utf8'))
  try {
    module.validate()
    return Uint8Array.from(module.toBinary({}).buffer)
  } finally {
    module.destroy()
  }
}

/**
 * The source of src/core/kernels/<name>-wasm.ts for `bytes`.
 * @param {string} name
 * @param {Uint8Array} bytes
 */
export function kernelsModuleSource(name, bytes) {
  return `// Generated from ${name}.wat by scripts/wasm.mjs (npm run build:wasm -w gan-sdk): do not edit.
export const ${name.toUpperCase()}_WASM_BASE64 =
  '${Buffer.from(bytes).toString('base64')}'
`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of KERNELS) {
    const out = core(`${name}-wasm.ts`)
    const tmp = `${out}.${process.pid}.tmp`
    await writeFile(tmp, kernelsModuleSource(name, await compileKernels(name)))
    await rename(tmp, out)
    console.log(`wrote ${out}`)
  }
}
