import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Vitest global setup: every test file, and every process a test starts (CLIs, npm, Chromium),
 * makes its temporary files in one folder of this run, removed when the run ends, so `npm test`
 * leaves nothing in the system's temporary folder, whatever a test forgets to remove.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'gan-sdk-test-'))
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = dir
  return () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
}
