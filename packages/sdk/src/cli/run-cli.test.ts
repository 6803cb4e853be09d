import { decode } from 'fast-png'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { Generator } from '../node/node-generator.js'
import { readProvenance } from '../core/image.js'
import { resolveGenerateOptions, runCli } from './run-cli.js'

async function cli(...argv: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runCli(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) })
  return { code, stdout, stderr }
}

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'gan-cli-'))
  const model = join(dir, 'tiny.onnx')
  await writeFile(model, tinyGenerator({ channels: 3, width: 4, height: 3 }))
  return { dir, model, out: join(dir, 'out') }
}

describe('gan-sdk CLI', () => {
  it('generate writes one PNG per seed, atomically, and prints one line per file', async () => {
    const { model, out } = await workspace()
    const r = await cli('generate', '--seed', '42', '--count', '3', '--out', out, '--model', model)
    expect(r).toEqual({ code: 0, stdout: ['42.png', '43.png', '44.png'].map((f) => join(out, f)), stderr: [] })
    expect((await readdir(out)).sort()).toEqual(['42.png', '43.png', '44.png'])
    const png = decode(await readFile(join(out, '43.png')))
    const expected = await (await Generator.load(model)).generate(43)
    expect([png.width, png.height, png.channels]).toEqual([4, 3, 3])
    expect(Array.from(png.data)).toEqual(Array.from(expected.data).filter((_, i) => i % 4 !== 3))
  })

  it('large counts go through in several model runs, every seed written once, in order', async () => {
    const { model, out } = await workspace()
    const r = await cli('generate', '--seed', '1000', '--count', '300', '--out', out, '--model', model)
    expect(r.code).toBe(0)
    expect(r.stdout).toEqual(Array.from({ length: 300 }, (_, i) => join(out, `${1000 + i}.png`)))
    expect(await readdir(out)).toHaveLength(300)
  })

  it('--json prints NDJSON events: one per image, then done', async () => {
    const { model, out } = await workspace()
    const r = await cli('generate', '--seed', 'hello', '--out', out, '--model', model, '--json')
    const events = r.stdout.map((l) => JSON.parse(l))
    expect(events[0]).toEqual({ type: 'image', seed: 'hello', file: join(out, 'hello.png'), width: 4, height: 3 })
    expect(events[1]).toMatchObject({ type: 'done', count: 1, out })
    expect(events).toHaveLength(2)
  })

  it("--label picks a conditional model's class by name or index; an unknown one is a usage error naming the classes", async () => {
    const { dir, out } = await workspace()
    const model = join(dir, 'cond.onnx')
    await writeFile(model, tinyGenerator({ labels: ['cat', 'dog'] }))
    expect((await cli('generate', '--seed', '4', '--count', '2', '--label', 'dog', '--out', out, '--model', model)).code).toBe(0)
    expect([
      readProvenance(await readFile(join(out, '4-dog.png')))?.label,
      readProvenance(await readFile(join(out, '5-dog.png')))?.label,
    ]).toEqual(['dog', 'dog'])
    // An index, as the error below lists them, picks the class it numbers; files carry its name.
    expect((await cli('generate', '--seed', '6', '--label', '0', '--out', out, '--model', model)).code).toBe(0)
    expect(readProvenance(await readFile(join(out, '6-cat.png')))?.label).toBe('cat')
    const cow = await cli('generate', '--label', 'cow', '--out', join(dir, 'none'), '--model', model)
    expect([cow.code, cow.stderr]).toEqual([
      2,
      [expect.stringMatching(/^\[gan-sdk\] label "cow" is not a class of this model: pass one of "cat" \(0\), "dog" \(1\)\.$/)],
    ])
    expect(await readdir(dir)).not.toContain('none')
  })

  it('info prints the contract as JSON', async () => {
    const { model } = await workspace()
    const r = await cli('info', '--model', model)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout.join('\n'))).toMatchObject({ latentSize: 8, width: 4, height: 3, channels: 3, layout: 'NHWC' })
  })

  it('help exits 0', async () => {
    for (const argv of [['--help'], ['help'], ['generate', '-h']]) {
      const r = await cli(...argv)
      expect(r.code).toBe(0)
      expect(r.stdout.join('\n')).toMatch(/^Usage: gan-sdk <command> \[options\]/)
    }
  })

  it('--version prints the package version, as the other CLIs do', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: [version], stderr: [] })
  })

  it.each([
    [
      ['generate', '--seed=1.5'],
      '[gan-sdk] --seed "1.5" looks like a number but is not an integer in [0, 2^53 − 1]: pass digits only, or a string seed that does not read as a number.',
    ],
    [['generate', '--seed=-1'], '[gan-sdk] --seed "-1" looks like a number'],
    [['generate', '--seed', '0x10'], '[gan-sdk] --seed "0x10" looks like a number'],
    [['generate', '--seed', 'NaN'], '[gan-sdk] --seed "NaN" looks like a number'],
    [['generate', '--seed=-Infinity'], '[gan-sdk] --seed "-Infinity" looks like a number'],
    [['generate', '--seed', '9007199254740993'], '[gan-sdk] --seed "9007199254740993" is above 2^53 − 1'],
    [['generate', '--seed', ''], '[gan-sdk] seed "" is empty'],
    [
      ['generate', '--seed', '9007199254740990', '--count', '3'],
      '[gan-sdk] seeds 9007199254740990 … 9007199254740990 + 2 go past 2^53 − 1',
    ],
    [['generate', '--count', '0'], '[gan-sdk] --count "0" is invalid: pass an integer from 1 to 100000.'],
    [['generate', '--count', 'many'], '[gan-sdk] --count "many" is invalid'],
    [
      ['generate', '--seed', 'cat', '--count', '2'],
      '[gan-sdk] --seed "cat" is a string, and string seeds name one image, so --count must be 1 (got 2)',
    ],
    [['generate', '--out', ''], '[gan-sdk] --out "" is empty'],
    [['generate', '--sede', '1'], "[gan-sdk] unknown option '--sede' (gan-sdk --help lists the options)."],
    [
      ['info', '--seed', '1'],
      '[gan-sdk] --seed is an option of gan-sdk generate; info takes --model only (gan-sdk --help lists the options).',
    ],
    [['info', '--sede'], "[gan-sdk] unknown option '--sede'"],
    [['generate', 'extra'], '[gan-sdk] unexpected argument "extra" (gan-sdk --help lists the options).'],
    [[], '[gan-sdk] missing command: use generate, bake or info (gan-sdk --help lists the options).'],
    [['make'], '[gan-sdk] unknown command "make": use generate, bake or info (gan-sdk --help lists the options).'],
  ])('%j is a usage error: exit 2, one [gan-sdk] line, nothing written', async (argv, message) => {
    const { dir } = await workspace()
    const r = await cli(...argv, ...(argv[0] === 'generate' && !argv.includes('--out') ? ['--out', join(dir, 'out')] : []))
    expect(r.code).toBe(2)
    expect(r.stdout).toEqual([])
    expect(r.stderr).toHaveLength(1)
    expect(r.stderr[0]!.startsWith(message)).toBe(true)
    expect(await readdir(dir)).toEqual(['tiny.onnx'])
  })

  it('a model that is missing fails with exit 1, one line, nothing written', async () => {
    const { dir } = await workspace()
    const r = await cli('generate', '--model', '/nonexistent/m.onnx', '--out', join(dir, 'out'))
    expect(r).toEqual({
      code: 1,
      stdout: [],
      stderr: ['[gan-sdk] model file "/nonexistent/m.onnx" does not exist: pass the path of a .onnx generator.'],
    })
    expect(await readdir(dir)).toEqual(['tiny.onnx'])
  })

  it('an --out that cannot be written (under a file) is ERR_WRITE naming the path, exit 1, no stack trace', async () => {
    const { model, dir } = await workspace()
    const r = await cli('generate', '--model', model, '--out', join(model, 'sub'), '--json')
    expect(r.code).toBe(1)
    expect(r.stderr).toEqual([
      expect.stringMatching(
        /^\[gan-sdk\] cannot write ".*tiny\.onnx\/sub\/0\.png" \((ENOTDIR|EEXIST)\): pass an --out directory you can write to/,
      ),
    ])
    expect(JSON.parse(r.stdout.at(-1)!)).toMatchObject({ type: 'error', code: 'ERR_WRITE' })
    expect(await readdir(dir)).toEqual(['tiny.onnx'])
  })

  it('with --json, errors are also an NDJSON event', async () => {
    const r = await cli('generate', '--seed', '-5x', '--count', '2', '--json')
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout[0]!)).toEqual({ type: 'error', code: 'ERR_INVALID_OPTION', message: r.stderr[0] })
  })
})

describe('resolveGenerateOptions', () => {
  it('applies the defaults', () => {
    expect(resolveGenerateOptions({})).toEqual({ seed: 0, count: 1, out: 'out', model: undefined, json: false })
  })

  it('keeps integer seeds exact and other text as string seeds, without mutating the flags', () => {
    const flags = Object.freeze({ seed: '9007199254740991', count: '1', out: 'o', model: 'm.onnx', json: true })
    expect(resolveGenerateOptions(flags)).toEqual({ seed: Number.MAX_SAFE_INTEGER, count: 1, out: 'o', model: 'm.onnx', json: true })
    expect(resolveGenerateOptions({ seed: '007' }).seed).toBe(7)
    expect(resolveGenerateOptions({ seed: 'ünïcødé' }).seed).toBe('ünïcødé')
  })
})
