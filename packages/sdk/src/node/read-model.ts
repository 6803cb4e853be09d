import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { BUNDLED_MODELS } from '../bundled-model.js'
import { GanError } from '../core/errors.js'

/** The bytes of a model file given by path or file: URL; ERR_MODEL_NOT_FOUND, with the path, when unreadable. */
export async function readModelFile(source: string | URL): Promise<Uint8Array> {
  const path = source instanceof URL ? fileURLToPath(source) : source
  try {
    return new Uint8Array(await readFile(path))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (Object.values(BUNDLED_MODELS).includes(source as URL)) {
      throw new GanError(
        'ERR_MODEL_NOT_FOUND',
        `the bundled MNIST model is missing from this install (${JSON.stringify(path)}): build gan-sdk with models/mnist/mnist.onnx present (\`npm run build\` copies it into assets/), or pass a model path to Generator.load().`,
        { cause: err },
      )
    }
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`
    throw new GanError('ERR_MODEL_NOT_FOUND', `model file ${JSON.stringify(path)} ${why}: pass the path of a .onnx generator.`, {
      cause: err,
    })
  }
}
