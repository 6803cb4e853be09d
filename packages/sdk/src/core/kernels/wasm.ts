import { GanError } from '../errors.js'

const modules = new Map<string, WebAssembly.Module>()

/**
 * A new instance, with its own memory, of one of gan-sdk's WebAssembly SIMD kernels (pixels.wat,
 * latents.wat) from its bytes in base64; each module is compiled once per process. Synchronous,
 * which browsers allow on the main thread for modules under 4 KB: the kernels' tests hold them to that.
 */
export function instantiateKernels<T>(name: string, base64: string): T {
  try {
    let module = modules.get(name)
    if (module === undefined) {
      module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))
      modules.set(name, module)
    }
    return new WebAssembly.Instance(module).exports as unknown as T
  } catch (err) {
    throw new GanError(
      'ERR_UNSUPPORTED_RUNTIME',
      `this JavaScript engine could not run gan-sdk's WebAssembly SIMD kernels (${name}: ${err instanceof Error ? err.message : String(err)}). Use Node 20+ or a browser with WebAssembly SIMD (Chrome 91+, Firefox 89+, Safari 16.4+), and allow WebAssembly in the page's Content-Security-Policy ('wasm-unsafe-eval').`,
      { cause: err },
    )
  }
}

/** Grows `memory` to at least `size` bytes and returns its buffer (growing detaches older views). */
export function memoryOf(memory: WebAssembly.Memory, size: number): ArrayBuffer {
  const short = size - memory.buffer.byteLength
  if (short > 0) memory.grow(Math.ceil(short / 65536))
  return memory.buffer
}

/** `offset` rounded up to a multiple of 16, where v128 loads and stores are aligned. */
export function align16(offset: number): number {
  return Math.ceil(offset / 16) * 16
}
