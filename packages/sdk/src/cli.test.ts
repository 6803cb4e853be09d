import { decode } from 'fast-png'
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { Generator } from './index.node.js'

// The built bin, through the workspace symlink `npx gan-sdk` uses: run `npm run build` first (the
// root `npm test` does). Behaviour is tested in-process in cli/run-cli.test.ts; this checks the wiring.
const BIN = fileURLToPath(new URL('../../../node_modules/.bin/gan-sdk', import.meta.url))
const MNIST = new URL('../../../models/mnist/mnist.onnx', import.meta.url)

const run = (args: string[]) =>
  promisify(execFile)(BIN, args).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  )

describe('npx gan-sdk (built)', () => {
  it('the README command writes 16 digits from the bundled model', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gan-bin-'))
    const r = await run(['generate', '--seed', '42', '--count', '16', '--out', out])
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split('\n')).toEqual(Array.from({ length: 16 }, (_, i) => join(out, `${42 + i}.png`)))
    expect(await readdir(out)).toHaveLength(16)
    const png = decode(await readFile(join(out, '50.png')))
    const expected = await (await Generator.load(await readFile(MNIST))).generate(50)
    expect([png.width, png.height, png.channels]).toEqual([28, 28, 1])
    expect(Array.from(png.data)).toEqual(Array.from(expected.data).filter((_, i) => i % 4 === 0))
  })

  it('a usage error exits 2 with one [gan-sdk] line; a failure exits 1, also without a stack trace', async () => {
    const usage = await run(['generate', '--seed=1.5'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/^\[gan-sdk\] --seed "1\.5" looks like a number[^\n]*\n$/)
    const failure = await run(['info', '--model', '/nonexistent/m.onnx'])
    expect(failure.code).toBe(1)
    expect(failure.stderr).toBe('[gan-sdk] model file "/nonexistent/m.onnx" does not exist: pass the path of a .onnx generator.\n')
  })

  it('finishes and exits 0 when the reader of its output stops early (| head -1: EPIPE)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gan-epipe-'))
    const child = spawn(BIN, ['generate', '--seed', '0', '--count', '2000', '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect((await readdir(out)).filter((n) => n.endsWith('.png'))).toHaveLength(2000)
  })

  it('a run killed with SIGKILL leaves at most temp files, which the next run into that folder removes', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gan-kill-'))
    const child = spawn(BIN, ['generate', '--seed', '0', '--count', '20000', '--out', out], { stdio: 'ignore' })
    while ((await readdir(out).catch(() => [])).length < 300) await new Promise((resolve) => setTimeout(resolve, 20))
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    const left = await readdir(out)
    // Every name is a complete PNG or a temp file: nothing half-written under a final name.
    for (const name of left.filter((n) => n.endsWith('.png'))) expect(decode(await readFile(join(out, name))).width).toBe(28)
    expect((await run(['generate', '--seed', '99999', '--out', out])).code).toBe(0)
    expect((await readdir(out)).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })
})
