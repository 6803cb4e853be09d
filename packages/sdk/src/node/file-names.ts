import type { Seed } from '../core/seed.js'

/**
 * A seed or label as part of a file name, safe on every OS and inside its directory: an integer as
 * it is, text with everything but [A-Za-z0-9_-] percent-encoded (no separators, dots or reserved
 * characters, so no path tricks).
 */
export function fileStem(value: Seed): string {
  return typeof value === 'number'
    ? String(value)
    : encodeURIComponent(value).replace(/[!'()*.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
