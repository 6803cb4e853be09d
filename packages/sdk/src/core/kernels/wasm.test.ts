import { describe, expect, it } from 'vitest'
import { compileKernels } from '../../../scripts/wasm.mjs'
import { errorOf } from '../../testing/gan-error.js'
import { LATENTS_WASM_BASE64 } from './latents-wasm.js'
import { PIXELS_WASM_BASE64 } from './pixels-wasm.js'
import { align16, instantiateKernels, memoryOf } from './wasm.js'

describe.each([
  ['latents', LATENTS_WASM_BASE64],
  ['pixels', PIXELS_WASM_BASE64],
])('the committed %s kernels', (name, base64) => {
  it('are their .wat compiled (run `npm run build:wasm -w gan-sdk` after editing it)', async () => {
    expect(Buffer.from(base64, 'base64').equals(Buffer.from(await compileKernels(name)))).toBe(true)
  })

  it('are under 4 KB, so browsers compile them synchronously on the main thread', () => {
    expect(Buffer.from(base64, 'base64').length).toBeLessThan(4096)
  })
})

describe('instantiateKernels', () => {
  it('turns an engine that cannot compile the kernels into ERR_UNSUPPORTED_RUNTIME, naming what works and the CSP fix', () => {
    const err = errorOf(() => instantiateKernels('broken.wat', btoa('not a WebAssembly module')))
    expect(err.code).toBe('ERR_UNSUPPORTED_RUNTIME')
    expect(err.message).toMatch(
      /^\[gan-sdk\] this JavaScript engine could not run gan-sdk's WebAssembly SIMD kernels \(broken\.wat: .+\)\. Use Node 20\+ or a browser with WebAssembly SIMD .*'wasm-unsafe-eval'/,
    )
    expect(err.cause).toBeInstanceOf(WebAssembly.CompileError)
  })

  it('gives every instance its own memory', () => {
    // The smallest module with an exported memory: (module (memory (export "memory") 1)).
    const bytes = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 109, 101, 109, 111, 114, 121, 2, 0)
    const base64 = btoa(String.fromCharCode(...bytes))
    const a = instantiateKernels<{ memory: WebAssembly.Memory }>('memory.wat', base64)
    const b = instantiateKernels<{ memory: WebAssembly.Memory }>('memory.wat', base64)
    expect(a.memory).not.toBe(b.memory)
  })
})

describe('memoryOf and align16', () => {
  it('grows memory by whole pages to at least the size asked, never shrinks it', () => {
    const memory = new WebAssembly.Memory({ initial: 1 })
    expect(memoryOf(memory, 100).byteLength).toBe(65536)
    expect(memoryOf(memory, 65537).byteLength).toBe(2 * 65536)
    expect(memoryOf(memory, 10).byteLength).toBe(2 * 65536)
    expect([0, 1, 16, 17].map(align16)).toEqual([0, 16, 16, 32])
  })
})
