import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const README = new URL('../packages/sdk/README.md', import.meta.url)
// Inside the repository, so `import 'gan-sdk'` resolves to the built workspace package; ignored by git.
const HERE = fileURLToPath(new URL('.readme-examples/', import.meta.url))

/** The ```js blocks of the README (```js skip blocks are sketches for models the package does not ship). */
async function examples(): Promise<Array<{ line: number; code: string }>> {
  const text = await readFile(README, 'utf8')
  const blocks: Array<{ line: number; code: string }> = []
  const fence = /^```js\n([\s\S]*?)^```$/gm
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    blocks.push({ line: text.slice(0, m.index).split('\n').length, code: m[1]! })
  }
  return blocks
}

/** What each `console.log(…) // expected` line promises to print; comments with "…" are illustrations. */
function promised(code: string): Array<string | undefined> {
  return code
    .split('\n')
    .filter((l) => /^\s*(if \(.*\) )?console\.log\(/.test(l))
    .map((l) => {
      const comment = / \/\/ (.*)$/.exec(l)?.[1]
      return comment === undefined || comment.includes('…') ? undefined : comment
    })
}

afterAll(() => rm(HERE, { recursive: true, force: true }))

describe('packages/sdk/README.md', async () => {
  const blocks = await examples()

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6)
  })

  it.each(blocks)('the example at line $line runs and prints what its comments say', async ({ line, code }) => {
    await mkdir(HERE, { recursive: true })
    const file = join(HERE, `example-${line}.mjs`)
    await writeFile(file, code)
    const cwd = await mkdtemp(join(tmpdir(), 'gan-readme-'))
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd })
    const printed = stdout.trimEnd().split('\n')
    const expected = promised(code)
    // A console.log may print several lines (objects); compare the one-line promises in order.
    const lines = expected.length === printed.length ? printed : printed.slice(0, expected.length)
    expected.forEach((want, i) => {
      if (want !== undefined) expect(lines[i]).toBe(want)
    })
  })
})
