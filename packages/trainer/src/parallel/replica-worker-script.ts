import { writeFileAtomic } from '@gan-sdk/internal'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

let fromSource: Promise<URL> | undefined

/**
 * The worker script of a replica. Built, it is dist/replica-worker.js beside the chunk that starts it.
 * Run from TypeScript sources (vitest), there is no .js to start, and worker threads cannot run .ts:
 * the worker is bundled once per process with esbuild (a dev dependency of the monorepo) into
 * node_modules/.cache, where it resolves the same packages the sources do. The file is named by
 * its content, so concurrent test processes share it and a change of source makes a new one.
 */
export function replicaWorkerScript(): Promise<URL> {
  if (!import.meta.url.endsWith('.ts')) return Promise.resolve(new URL('./replica-worker.js', import.meta.url))
  fromSource ??= bundleFromSource()
  return fromSource
}

async function bundleFromSource(): Promise<URL> {
  const esbuild = 'esbuild'
  const { build } = (await import(esbuild)) as {
    build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ contents: Uint8Array }> }>
  }
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('./replica-worker.ts', import.meta.url))],
    write: false,
    outfile: 'replica-worker.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  })
  const code = outputFiles[0]!.contents
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const path = fileURLToPath(new URL(`../../node_modules/.cache/gan-train/replica-worker-${hash}.mjs`, import.meta.url))
  if (!existsSync(path)) await writeFileAtomic(path, code, { fsync: false })
  return pathToFileURL(path)
}
