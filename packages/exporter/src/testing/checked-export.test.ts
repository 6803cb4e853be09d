import { toBinary } from '@bufbuild/protobuf'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ModelProtoSchema } from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import { OnnxGraph } from '../convert/onnx-graph.js'
import { checkOnnx, onnxPython } from './onnx-checker.js'

/** x [batch, 3] → Gemm with a [3, 2] weight → y, declared [batch, `declared`]: valid only when that is 2. */
function gemmModel(declared: number): Uint8Array {
  const graph = new OnnxGraph()
  graph.reserve('x')
  graph.node('Gemm', ['x', graph.floats('w', [3, 2], new Float32Array(6))], {}, 'dense', 'y')
  const io = (name: string, dims: number[]) => ({ name, type: 'float' as const, dims })
  return toBinary(
    ModelProtoSchema,
    graph.toModel({ graphName: 'g', inputs: [io('x', [3])], outputs: [io('y', [declared])], producerVersion: '0', docString: '' }),
  )
}

describe('the ONNX checker every exported model goes through', () => {
  it('is installed (apt-get install -y python3-onnx)', () => {
    expect(onnxPython()).toMatch(/python/)
  })

  it('accepts a valid model and rejects, with its reason, one that only shape inference finds wrong', async () => {
    await checkOnnx(gemmModel(2))
    await expect(checkOnnx(gemmModel(5))).rejects.toThrow(/the ONNX checker \(full_check\) rejects the model: .*Gemm/)
    await expect(checkOnnx(new Uint8Array([1, 2, 3]))).rejects.toThrow(/rejects the model/)
  })

  it('checks the models of every test: tests take exportOnnx from checked-export.ts', async () => {
    const src = join(import.meta.dirname, '..')
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.test.ts'))
    expect(files.length).toBeGreaterThan(5)
    for (const file of files) {
      const text = await readFile(join(src, file), 'utf8')
      expect({ file, imports: /import \{[^}]*\bexportOnnx\b[^}]*\} from '[./]+(export|index)\.js'/.test(text) }).toEqual({
        file,
        imports: false,
      })
    }
  })
})
