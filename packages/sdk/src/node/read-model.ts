import { shellWord } from '@gan-sdk/internal'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUNDLED_MODELS, bundledModelName } from '../bundled-model.js'
import { GanError } from '../core/errors.js'
import { parseKnownModel, type KnownModel } from '../core/known-model.js'
import { fetchModelBytes } from '../core/model-response.js'
import { RUN_MANIFEST_FILE } from '../core/run-manifest.js'

/**
 * The bytes of a model given by path, file: URL, or http(s) URL (a URL object or a string starting
 * with `http://` or `https://`); ERR_MODEL_NOT_FOUND, naming it, when it cannot be read. Other URL
 * schemes are ERR_INVALID_OPTION.
 */
export async function readModelFile(source: string | URL): Promise<Uint8Array> {
  const url = source instanceof URL ? source : /^https?:\/\//i.test(source) ? new URL(source) : undefined
  if (url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:'))
    return fetchModelBytes(url.href, 'check the address and the network')
  if (url !== undefined && url.protocol !== 'file:') {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `model URL ${JSON.stringify(url.href)} has the scheme ${url.protocol}, which gan-sdk cannot read: pass a path, a file: URL or an http(s) URL.`,
    )
  }
  const path = url !== undefined ? fileURLToPath(url) : (source as string)
  try {
    return new Uint8Array(await readFile(path))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const bundled = bundledModelName(source)
    if (bundled !== undefined) {
      throw new GanError(
        'ERR_MODEL_NOT_FOUND',
        `the bundled model ${JSON.stringify(bundled)} is missing from this install (${JSON.stringify(path)}): build gan-sdk with models/${bundled}/${bundled}.onnx present (\`npm run build\` copies it into assets/), or pass a model path to Generator.load().`,
        { cause: err },
      )
    }
    if (code === 'EISDIR' && (await isTrainingRun(path))) {
      throw new GanError(
        'ERR_MODEL_FORMAT',
        `model file ${JSON.stringify(path)} is a training run (it holds ${RUN_MANIFEST_FILE}), not a generator: export it to ONNX first, \`gan-export ${shellWord(path)} --out model.onnx\` (@gan-sdk/exporter), and load model.onnx.`,
        { cause: err },
      )
    }
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`
    // A bare word (`mnst`) was more likely meant as a bundled model's name than as a file.
    const names = Object.keys(BUNDLED_MODELS)
    const hint = code === 'ENOENT' && /^[\w-]+$/.test(path) ? ` or a bundled model's name (${names.join(', ')})` : ''
    throw new GanError('ERR_MODEL_NOT_FOUND', `model file ${JSON.stringify(path)} ${why}: pass the path of a .onnx generator${hint}.`, {
      cause: err,
    })
  }
}

/** Whether `dir` is a gan-train run directory: one holding the run manifest. */
async function isTrainingRun(dir: string): Promise<boolean> {
  return access(join(dir, RUN_MANIFEST_FILE)).then(
    () => true,
    () => false,
  )
}

/** What the build recorded beside a bundled model (`assets/<name>.json`); undefined for any other source, or a missing or unreadable record. */
export async function readKnownModel(source: string | URL): Promise<KnownModel | undefined> {
  if (!(source instanceof URL) || bundledModelName(source) === undefined) return undefined
  const json = await readFile(new URL(source.href.replace(/\.onnx$/, '.json')), 'utf8').catch(() => undefined)
  return json === undefined ? undefined : parseKnownModel(json)
}
