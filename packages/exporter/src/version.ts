import { readFileSync } from 'node:fs'

/**
 * This package's version, written as the ONNX producer_version. Read at run time so it always
 * matches the published package.json (src/ and dist/ both sit one level below it).
 */
export const EXPORTER_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version
