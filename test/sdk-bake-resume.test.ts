import { decode } from 'fast-png'
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../node_modules/.bin/gan-sdk', import.meta.url))

// The built CLI, killed with SIGKILL half-way through a bake: no partial file exists, and a re-run
// completes the rest without redoing what finished (no inference for it, no rewrite).
describe('gan-sdk bake, killed and resumed', () => {
  it('leaves only whole images, and the re-run bakes only what was missing', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-bake-kill-'))
    const [out, cache] = [join(dir, 'out'), join(dir, 'cache')]
    const args = ['bake', '--seeds', '0-5999', '--out', out, '--cache-dir', cache, '--batch-size', '64']
    const child = spawn(BIN, args, { stdio: 'ignore' })
    while ((await readdir(out).catch(() => [])).filter((f) => f.endsWith('.png')).length < 500) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))

    const finished = (await readdir(out)).filter((f) => f.endsWith('.png'))
    expect(finished.length).toBeLessThan(6000)
    for (const name of finished) expect(decode(await readFile(join(out, name))).width).toBe(28)
    expect((await readdir(out)).includes('gan-manifest.json')).toBe(false)

    const { stdout } = await promisify(execFile)(BIN, [...args, '--json'], { maxBuffer: 64 << 20 })
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; image?: { file: string; cached: boolean } })
    const baked = new Set(events.filter((e) => e.type === 'image' && !e.image!.cached).map((e) => e.image!.file))
    for (const name of finished) expect(baked.has(name)).toBe(false)
    // Cached: the finished files, and any image the kill caught between its cache entry and its file.
    const done = events.at(-1) as unknown as { type: string; baked: number; cached: number; failed: number }
    expect(done).toMatchObject({ type: 'done', failed: 0 })
    expect(done.baked + done.cached).toBe(6000)
    expect(done.cached).toBeGreaterThanOrEqual(finished.length)
    expect(done.cached).toBeLessThanOrEqual(finished.length + 64)
    const all = await readdir(out)
    expect(all.filter((f) => f.endsWith('.png'))).toHaveLength(6000)
    expect(all.filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
