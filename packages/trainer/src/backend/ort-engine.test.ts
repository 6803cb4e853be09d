import { describe, expect, it } from 'vitest'
import { loadOrtEngine, ortEngine, ortEngineError, type OpGraph } from './ort-engine.js'

const gemm = (m: number, k: number, n: number, transB: number): OpGraph => ({
  inputs: [
    { name: 'a', dims: [m, k] },
    { name: 'b', dims: transB ? [n, k] : [k, n] },
  ],
  output: { name: 'y', dims: [m, n] },
  nodes: [{ op: 'Gemm', inputs: ['a', 'b'], output: 'y', attributes: { transB } }],
})

describe('ortEngine', () => {
  it("loads onnxruntime-node's synchronous session here (the pinned 1.30.0's dist/binding)", () => {
    expect(ortEngine()).toBeDefined()
    expect(ortEngine()).toBe(ortEngine())
    expect(ortEngineError()).toBeUndefined()
  })

  it('says why where onnxruntime-node does not load: the first line of its error', () => {
    const failed = loadOrtEngine(() => {
      throw new Error('no onnxruntime-node build for linux/riscv64\n    at require')
    })
    expect(failed).toEqual({ error: 'no onnxruntime-node build for linux/riscv64' })
  })

  it('reads its inputs from, and writes its output into, views of one WebAssembly memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 })
    const heap = new Float32Array(memory.buffer)
    heap.set([1, 2, 3, 4, 5, 6], 0) // a: 2×3
    heap.set([1, 0, 1, 0, 1, 1], 8) // b: 2×3, used transposed
    const a = { data: heap.subarray(0, 6), dims: [2, 3] }
    const b = { data: heap.subarray(8, 14), dims: [2, 3] }
    const y = { name: 'y', data: heap.subarray(16, 20), dims: [2, 2] }
    expect(ortEngine()!.run('test gemm 2,3,2 T', () => gemm(2, 3, 2, 1), { a, b }, y)).toBe(true)
    expect(Array.from(heap.subarray(16, 20))).toEqual([4, 5, 10, 11])
    expect(heap[20]).toBe(0) // nothing past the output
  })

  it('keeps running graphs after older sessions are dropped, and turns down a graph it cannot run, for good, saying why', () => {
    const engine = ortEngine()!
    const y = { name: 'y', data: new Float32Array(1), dims: [1, 1] }
    for (let k = 1; k <= 70; k++) {
      engine.run(
        `test dot ${k}`,
        () => gemm(1, k, 1, 0),
        { a: { data: new Float32Array(k).fill(1), dims: [1, k] }, b: { data: new Float32Array(k).fill(2), dims: [k, 1] } },
        y,
      )
      expect(y.data[0]).toBe(2 * k)
    }
    engine.run(
      'test dot 1',
      () => gemm(1, 1, 1, 0),
      { a: { data: Float32Array.of(3), dims: [1, 1] }, b: { data: Float32Array.of(5), dims: [1, 1] } },
      y,
    )
    expect(y.data[0]).toBe(15)
    const bad: OpGraph = { ...gemm(1, 1, 1, 0), nodes: [{ op: 'NoSuchOp', inputs: ['a', 'b'], output: 'y' }] }
    expect(engine.run('test bad', () => bad, {}, y)).toBe(false)
    expect(String(engine.failures.get('test bad'))).toMatch(/NoSuchOp/)
    expect(
      engine.run(
        'test bad',
        () => gemm(1, 1, 1, 0),
        { a: { data: Float32Array.of(1), dims: [1, 1] }, b: { data: Float32Array.of(1), dims: [1, 1] } },
        y,
      ),
    ).toBe(false)
  })
})
