// The official ONNX checker, for tests: every model the tests export must pass it with full_check
// (strict shape inference), not only run in ONNX Runtime. It is Python (Debian: python3-onnx).
import { spawn, spawnSync } from 'node:child_process'

const CHECK = 'import sys, onnx; onnx.checker.check_model(onnx.load_from_string(sys.stdin.buffer.read()), full_check=True)'

let python: string | undefined

/**
 * The absolute path of the first Python that imports onnx: $GAN_SDK_PYTHON, `python3` on PATH, then
 * Debian's /usr/bin/python3 (where apt installs python3-onnx, which a pyenv python3 on PATH does not
 * see). Absolute, so a test that changes PATH cannot swap it.
 */
export function onnxPython(): string {
  if (python !== undefined) return python
  const candidates = [process.env['GAN_SDK_PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => !!c)
  for (const candidate of candidates) {
    const found = spawnSync(candidate, ['-c', 'import onnx, sys; print(sys.executable)'], { encoding: 'utf8' })
    if (found.status === 0 && found.stdout.trim() !== '') {
      python = found.stdout.trim()
      break
    }
  }
  if (python === undefined) {
    throw new Error(
      `the official ONNX checker is missing (no Python that imports onnx among ${candidates.join(', ')}). Install it: apt-get install -y python3-onnx (or set GAN_SDK_PYTHON to a python with onnx).`,
    )
  }
  return python
}

/** Resolve when `onnx.checker.check_model(model, full_check=True)` accepts the model; reject with the checker's message otherwise. */
export function checkOnnx(bytes: Uint8Array): Promise<void> {
  const child = spawn(onnxPython(), ['-c', CHECK], { stdio: ['pipe', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end(bytes)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve()
      else reject(new Error(`the ONNX checker (full_check) rejects the model: ${stderr.trim().split('\n').slice(-3).join(' ')}`))
    })
  })
}
