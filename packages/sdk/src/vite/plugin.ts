import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Plugin, ResolvedConfig } from 'vite'
import { describeValue } from '../core/describe-value.js'
import { GanError } from '../core/errors.js'
import { bake, type BakeOptions } from '../bake/bake.js'
import { sha256Hex } from '../bake/cache.js'
import type { BakeFormat } from '../bake/encode.js'

/** Options of the gan-sdk Vite plugin. */
export interface GanVitePluginOptions {
  /** Where baked images are kept between builds and dev sessions. @default node_modules/.cache/gan-sdk (of the Vite root) */
  cacheDir?: string
}

/** One image of a `gan:` import, as the module's default export lists them. */
export interface GanImportedImage {
  /** The image's URL: a hashed asset in `vite build`, served by the dev server in `vite`. */
  src: string
  width: number
  height: number
  seed: number | string
  label: string | null
}

const PREFIX = 'gan:'
const VIRTUAL = '\0gan:'
const DEV_PATH = '/@gan-sdk/'
const QUERY_KEYS = ['seeds', 'labels', 'truncation', 'format', 'size', 'quality']

/**
 * `import digits from 'gan:mnist?seeds=0-7'` (or `'gan:./models/my.onnx?seeds=1;5&format=webp&size=128'`):
 * the images, baked with gan-sdk/bake at build time, as `[{ src, width, height, seed, label }]`.
 * In `vite build` they are emitted as hashed assets; in the dev server they are baked on the first
 * request of the module and served by a middleware; both reuse the bake cache, so unchanged images
 * are never generated twice. Types for `gan:` imports: `/// <reference types="gan-sdk/vite-client" />`.
 */
export default function ganSdk(options: GanVitePluginOptions = {}): Plugin {
  checkPluginOptions(options)
  let config: ResolvedConfig
  const cacheDir = () => resolve(config.root, options.cacheDir ?? join('node_modules', '.cache', 'gan-sdk'))
  /** The `gan:` import as written, by resolved id: errors name what the user can find in their code. */
  const written = new Map<string, string>()

  return {
    name: 'gan-sdk',
    configResolved(resolved) {
      config = resolved
    },
    resolveId(id, importer) {
      if (!id.startsWith(PREFIX)) return undefined
      const [model = '', query = ''] = id.slice(PREFIX.length).split('?')
      // Relative model paths are the importer's; bundled names (mnist) stay names.
      const resolvedModel =
        model.startsWith('.') || model.startsWith('/') ? resolve(importer ? dirname(importer) : config.root, model) : model
      const resolved = `${VIRTUAL}${resolvedModel}?${query}`
      written.set(resolved, id)
      return resolved
    },
    async load(id) {
      if (!id.startsWith(VIRTUAL)) return undefined
      const { model, bakeOptions } = parseImport(id.slice(VIRTUAL.length))
      const key = sha256Hex(id).slice(0, 16)
      const outDir = join(cacheDir(), 'vite', key)
      const { images } = await bake({ ...bakeOptions, model, outDir, cacheDir: join(cacheDir(), 'bake') }).catch((err: unknown) => {
        // Say which import failed: a page may have many. Without the cause, whose stack (and its
        // causes' stacks) Vite would print under the message, which already says what and how to fix.
        if (!(err instanceof GanError)) throw err
        throw new GanError(err.code, `${written.get(id) ?? id.slice(1)}: ${err.detail}`)
      })
      if (model.startsWith('/')) this.addWatchFile(model)
      const entries = await Promise.all(
        images.map(async (image) => {
          const src =
            config.command === 'build'
              ? `import.meta.ROLLUP_FILE_URL_${this.emitFile({ type: 'asset', name: image.file, source: await readFile(image.path) })}`
              : JSON.stringify(`${DEV_PATH}${key}/${encodeURIComponent(image.file)}`)
          return `{ src: ${src}, width: ${image.width}, height: ${image.height}, seed: ${JSON.stringify(image.seed)}, label: ${JSON.stringify(image.label)} }`
        }),
      )
      return `export default [\n  ${entries.join(',\n  ')}\n]\n`
    },
    configureServer(server) {
      // Served from the bake's folder, not from memory: a page reloaded after a restart of the server
      // finds its images before its `gan:` module has loaded again.
      server.middlewares.use(async (req, res, next) => {
        const path = req.url?.split('?')[0] ?? ''
        if (!path.startsWith(DEV_PATH)) return next()
        const file = devFile(path.slice(DEV_PATH.length), cacheDir())
        const bytes = file === undefined ? undefined : await readFile(file).catch(() => undefined)
        if (file === undefined || bytes === undefined) {
          res.statusCode = 404
          res.setHeader('Content-Type', 'text/plain; charset=utf-8')
          res.end(`gan-sdk: no baked image at ${path}: reload the page, so that its gan: import bakes again.`)
          return
        }
        res.setHeader('Content-Type', contentType(file))
        res.setHeader('Cache-Control', 'no-cache')
        res.end(bytes)
      })
    },
  }
}

const PLUGIN_OPTIONS = ['cacheDir']

function checkPluginOptions(options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new GanError(
      'ERR_INVALID_OPTION',
      `ganSdk() takes an options object, e.g. ganSdk({ cacheDir: '.cache/gan' }), not ${describeValue(options)}.`,
    )
  const unknown = Object.keys(options).find((key) => !PLUGIN_OPTIONS.includes(key))
  if (unknown !== undefined)
    throw new GanError('ERR_INVALID_OPTION', `ganSdk(): option "${unknown}" is unknown: use ${PLUGIN_OPTIONS.join(', ')}.`)
  const { cacheDir } = options as GanVitePluginOptions
  if (cacheDir !== undefined && (typeof cacheDir !== 'string' || cacheDir === ''))
    throw new GanError(
      'ERR_INVALID_OPTION',
      `ganSdk(): cacheDir ${describeValue(cacheDir)} is not a directory path: pass a string, or leave it out.`,
    )
}

/** `<key>/<file name, URL-encoded>` → the baked file in the dev server's bake folders; undefined for anything else. */
function devFile(rest: string, cacheDir: string): string | undefined {
  const match = /^([0-9a-f]{16})\/([^/]+)$/.exec(rest)
  if (match === null) return undefined
  let name: string
  try {
    name = decodeURIComponent(match[2]!)
  } catch {
    return undefined
  }
  // Bake's file names have no separators and no leading dot: nothing else is served.
  return name.startsWith('.') || /[/\\]/.test(name) ? undefined : join(cacheDir, 'vite', match[1]!, name)
}

function contentType(file: string): string {
  return file.endsWith('.webp') ? 'image/webp' : file.endsWith('.avif') ? 'image/avif' : 'image/png'
}

/** `<model>?seeds=…&format=…` → the model and bake options; unknown or malformed parameters are errors that name them. */
export function parseImport(spec: string): { model: string; bakeOptions: Omit<BakeOptions, 'outDir' | 'model'> } {
  const [model = '', query = ''] = spec.split('?')
  const params = new URLSearchParams(query)
  const unknown = [...params.keys()].find((k) => !QUERY_KEYS.includes(k))
  if (unknown !== undefined) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `gan:${spec}: parameter "${unknown}" is unknown: use ${QUERY_KEYS.join(', ')} (e.g. gan:mnist?seeds=0-7&format=webp).`,
    )
  }
  const repeated = [...params.keys()].find((k, i, keys) => keys.indexOf(k) !== i)
  if (repeated !== undefined)
    throw new GanError(
      'ERR_INVALID_OPTION',
      `gan:${spec}: parameter "${repeated}" is given twice: give it once${repeated === 'seeds' || repeated === 'labels' ? ` (${repeated}=a;b lists several)` : ''}.`,
    )
  const seeds = params.get('seeds')
  if (seeds === null)
    throw new GanError('ERR_INVALID_OPTION', `gan:${spec} names no seeds: add ?seeds=0-7 (ranges and lists, separated by ; or ,).`)
  const number = (name: string) => {
    const raw = params.get(name)
    if (raw === null) return undefined
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(value))
      throw new GanError('ERR_INVALID_OPTION', `gan:${spec}: ${name}=${JSON.stringify(raw)} is not a number.`)
    return value
  }
  const bakeOptions: Omit<BakeOptions, 'outDir' | 'model'> = { seeds }
  const labels = params.get('labels')
  if (labels !== null) bakeOptions.labels = labels.split(/[,;]/).map((l) => (/^\d+$/.test(l) ? Number(l) : l))
  const format = params.get('format')
  if (format !== null) bakeOptions.format = format as BakeFormat
  for (const name of ['truncation', 'size', 'quality'] as const) {
    const value = number(name)
    if (value !== undefined) bakeOptions[name] = value
  }
  return { model: model === '' ? 'mnist' : model, bakeOptions }
}
