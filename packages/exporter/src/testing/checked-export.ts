// exportOnnx for tests: the real one, plus the official ONNX checker on what it returns. Tests import
// exportOnnx from here (checked-export.test.ts makes sure), so every exported model is checked.
import { exportOnnx as realExportOnnx } from '../export.js'
import { checkOnnx } from './onnx-checker.js'

export const exportOnnx = (async (...args: Parameters<typeof realExportOnnx>) => {
  const result = await realExportOnnx(...args)
  await checkOnnx(result.bytes)
  return result
}) as typeof realExportOnnx
