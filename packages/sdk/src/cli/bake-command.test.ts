import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { resolveBakeCommandOptions } from './bake-command.js'
import { runCli } from './run-cli.js'

async function cli(...argv: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runCli(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) })
  return { code, stdout, stderr }
}

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'gan-bake-cli-'))
  const model = join(dir, 'tiny.onnx')
  await writeFile(model, tinyGenerator({ width: 2, height: 2 }))
  return { dir, model, cache: join(dir, 'cache') }
}

describe('gan-sdk bake', () => {
  it('prints a line per image and a summary that says why things were baked', async () => {
    const { dir, model, cache } = await workspace()
    const out = join(dir, 'out')
    const first = await cli('bake', '--seeds', '0-2', '--out', out, '--model', model, '--cache-dir', cache)
    expect(first.code).toBe(0)
    expect(first.stdout[0]).toBe(`baking 3 images of tiny → ${out}`)
    // One line per image, in the order they finish.
    expect(first.stdout.slice(1, 4).sort()).toEqual([0, 1, 2].map((s) => `baked  ${join(out, `tiny-${s}.png`)} (new)`))
    expect(first.stdout[4]).toMatch(
      new RegExp(`^3 baked, 0 cached, 0 failed \\(3 new\\) in [\\d.]+ s → ${join(out, 'gan-manifest.json')}$`),
    )
    const again = await cli('bake', '--seeds', '0-2', '--out', out, '--model', model, '--cache-dir', cache)
    expect(again.stdout.at(-1)).toMatch(/^0 baked, 3 cached, 0 failed \(3 unchanged\)/)
  })

  it('--json prints the events as NDJSON; shards merge', async () => {
    const { dir, model, cache } = await workspace()
    const shards = [1, 2].map((i) => join(dir, `s${i}`))
    for (const [i, out] of shards.entries()) {
      const r = await cli('bake', '--seeds', '0-4', '--out', out, '--model', model, '--cache-dir', cache, '--shard', `${i + 1}/2`, '--json')
      const events = r.stdout.map((l) => JSON.parse(l))
      expect(events[0]).toMatchObject({ type: 'start', total: i === 0 ? 3 : 2, shard: { index: i + 1, count: 2 } })
      expect(events.at(-1)).toMatchObject({ type: 'done', baked: i === 0 ? 3 : 2 })
    }
    const merged = join(dir, 'merged')
    const r = await cli('bake', 'merge', ...shards, '--out', merged)
    expect(r).toMatchObject({ code: 0, stdout: [`merged 5 images (5 copied) → ${join(merged, 'gan-manifest.json')}`] })
    expect((await readdir(merged)).sort()).toEqual(['gan-manifest.json', ...[0, 1, 2, 3, 4].map((s) => `tiny-${s}.png`)])
  })

  it.each([
    [['bake', '--out', 'x'], '[gan-sdk] missing --seeds: which seeds to bake, e.g. --seeds 0-99 (gan-sdk bake --help lists the options).'],
    [['bake', '--seeds', '1'], '[gan-sdk] missing --out'],
    [['bake', '--seeds', '1', '--out', 'x', '--size', '12px'], '[gan-sdk] --size "12px" is invalid: pass a positive integer.'],
    [['bake', '--seeds', '1', '--out', 'x', '--truncation', '1.5'], '[gan-sdk] --truncation "1.5" is invalid'],
    [['bake', '--seeds', '1', '--out', 'x', '--format', 'gif'], '[gan-sdk] format "gif" is unknown'],
    [['bake', '--seeds', '9-1', '--out', 'x'], '[gan-sdk] seed range "9-1" is invalid'],
    [['bake', '--seeds', '1', '--out', 'x', '--sede', '1'], "[gan-sdk] unknown option '--sede'"],
    [['bake', 'merge', 'a'], '[gan-sdk] missing --out'],
  ])('%j is a usage error: exit 2, one line', async (argv, message) => {
    const r = await cli(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toHaveLength(1)
    expect(r.stderr[0]!.startsWith(message)).toBe(true)
  })

  it('on a terminal, draws a bar instead of a line per image', async () => {
    const { dir, model, cache } = await workspace()
    const drawn: string[] = []
    const stdout: string[] = []
    const code = await runCli(
      ['bake', '--seeds', '0-4', '--out', join(dir, 'o'), '--model', model, '--cache-dir', cache],
      { stdout: (l) => stdout.push(l), stderr: () => {} },
      { terminal: { write: (t) => drawn.push(t) } },
    )
    expect(code).toBe(0)
    expect(stdout).toHaveLength(2) // the start and the summary
    expect(drawn.join('')).toMatch(/bake \[#{24}\] 5\/5 \| \d+ images\/s \| ETA 0s/)
  })

  it('resolves flags as typed', () => {
    expect(
      resolveBakeCommandOptions({ seeds: '0-9', out: 'o', labels: 'cat, 2', truncation: '0.7', size: '64', 'batch-size': '32' }),
    ).toEqual({
      seeds: '0-9',
      outDir: 'o',
      labels: ['cat', 2],
      truncation: 0.7,
      size: 64,
      batchSize: 32,
    })
  })
})
