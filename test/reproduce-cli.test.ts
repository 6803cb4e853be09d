import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `npm run train:<model> -- …` (models/<model>/reproduce.mjs on models/reproduce.mjs) answers a bad
// command line as the packages' CLIs do: one line on stderr naming the fix, exit 2, nothing trained.
const script = (model: string) => fileURLToPath(new URL(`../models/${model}/reproduce.mjs`, import.meta.url))

let out: string
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'reproduce-cli-'))
})
afterAll(() => rm(out, { recursive: true, force: true }))

function reproduce(model: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [script(model), '--out', join(out, 'run'), ...args], { encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('the reproduce command', () => {
  it('refuses a rate decay longer than a short run, naming the flag that fixes it', async () => {
    const r = reproduce('mnist', '--steps', '100')
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('use at most --lr-decay-steps 100')])
    expect(await readdir(out)).toEqual([])
  })

  it('answers unknown options and bad numbers with one line and exit 2', () => {
    const unknown = reproduce('emoji', '--bogus')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr.trim()).toBe("[train:emoji] Unknown option '--bogus' (train:emoji --help lists the options).")
    const bad = reproduce('mnist', '--steps', '1e3')
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim()).toMatch(/^\[train:mnist\] --steps "1e3" is not a whole number/)
  })

  it('lists its options, with the recipe defaults, on --help', () => {
    const r = reproduce('mnist', '--help')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Usage: npm run train:mnist -- [--steps N]')
    expect(r.stdout).toContain('[--lr-decay-steps N]')
    expect(r.stdout).toContain('steps 14000, rate decay over the last 2000')
  })
})
