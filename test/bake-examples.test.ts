import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const BIN = fileURLToPath(new URL('../node_modules/.bin/gan-sdk', import.meta.url))
const EXAMPLES = new URL('../examples/bake-sharded/', import.meta.url)

/** The `gan-sdk …` command lines of an example file, one per string. */
async function commands(file: string): Promise<string[]> {
  const text = (await readFile(new URL(file, EXAMPLES), 'utf8')).replace(/>-\n\s+/g, '').replace(/\n\s{14}(?=--)/g, ' ')
  return [...text.matchAll(/npx gan-sdk ([^\n]+)/g)].map((m) => m[1]!.replace(/"/g, ''))
}

/** The example's commands as shard i would run them, on 12 seeds instead of 10,000, in `dir`. */
const localize = (line: string, shard: number, dir: string) =>
  line
    .replace('0-9999', '0-11')
    .replace(/\$\{\{ matrix\.shard \}\}/g, String(shard))
    .replace(/\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/g, String(shard))
    .replace(/(--out |--cache-dir |merge )(\S+)/g, (_, flag: string, path: string) => `${flag}${join(dir, path)}`)
    .replace(/ (shard-\d|\/bake\/shard-\d)/g, (_, path: string) => ` ${join(dir, path)}`)
    .split(/\s+/)

// The sharding examples' own command lines, run for real (12 WebP images instead of 10,000): the
// shards' merge must be the unsharded bake.
describe('examples/bake-sharded', () => {
  it.each(['github-actions.yml', 'kubernetes-indexed-job.yaml'])(
    '%s bakes 4 shards whose merge equals the unsharded bake',
    { timeout: 120_000 },
    async (file) => {
      const dir = await mkdtemp(join(tmpdir(), 'gan-shards-'))
      const [bake, merge] = await commands(file)
      expect(bake).toMatch(/^bake --seeds 0-9999 .*--shard /)
      for (const shard of [1, 2, 3, 4]) await run(BIN, localize(bake!, shard, dir))
      const mergeArgs = merge === undefined ? undefined : localize(merge, 0, dir)
      // The Kubernetes file gives its merge in a comment: the same command.
      const mergeLine =
        mergeArgs ?? localize((await readFile(new URL(file, EXAMPLES), 'utf8')).match(/gan-sdk (bake merge [^\n]+)/)![1]!, 0, dir)
      await run(BIN, mergeLine)
      const out = mergeLine[mergeLine.indexOf('--out') + 1]!
      const whole = join(dir, 'whole')
      const unsharded = localize(bake!, 1, dir).filter((_, i, a) => a[i - 1] !== '--shard' && a[i] !== '--shard')
      unsharded[unsharded.indexOf('--out') + 1] = whole
      await run(BIN, unsharded)
      const names = (await readdir(whole)).sort()
      expect(names).toHaveLength(13)
      expect((await readdir(out)).sort()).toEqual(names)
      for (const name of names) expect(Buffer.compare(await readFile(join(out, name)), await readFile(join(whole, name)))).toBe(0)
    },
  )
})
