import { fromBinary } from '@bufbuild/protobuf'
import { writeLayersModelFiles } from '@gan-sdk/internal'
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelProtoSchema } from 'onnx-buf'
import { beforeAll, describe, expect, it } from 'vitest'
import { exportOptionsFromFlags, runCli } from './run-cli.js'
import { artifactsOf, dcgan, discriminator, randomize, writeRunDir } from './testing/fixtures.js'
import { checkOnnx } from './testing/onnx-checker.js'

async function cli(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) })
  return { code, out, err }
}

/** The metadata of a model the CLI wrote, which must pass the ONNX checker. */
async function metadataOf(path: string): Promise<Record<string, string>> {
  const bytes = await readFile(path)
  await checkOnnx(bytes)
  return Object.fromEntries(fromBinary(ModelProtoSchema, bytes).metadataProps.map((p) => [p.key, p.value]))
}

describe('gan-export CLI', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gan-export-cli-'))
    const artifacts = await artifactsOf(randomize(dcgan({ latent: 8 }), 8))
    await writeRunDir(join(dir, 'run'), artifacts, {
      name: 'run-name',
      license: 'CC0-1.0',
      dataset: 'squares',
      latentSize: 8,
      range: [-1, 1],
    })
    await writeLayersModelFiles(
      join(dir, 'run', 'discriminator'),
      await artifactsOf(randomize(discriminator({ size: 28, channels: 1 }), 9)),
    )
  })

  it('exports a run directory, printing one NDJSON event per line', async () => {
    const target = join(dir, 'out', 'model.onnx')
    const { code, out, err } = await cli(join(dir, 'run'), '--out', target, '--json')
    expect({ code, err }).toEqual({ code: 0, err: [] })
    const events = out.map((line) => JSON.parse(line) as { type: string; maxAbsDiff?: number })
    expect(events.map((e) => e.type)).toEqual(['read', 'optimized', 'converted', 'verified', 'written'])
    expect(events[3]!.maxAbsDiff).toBeLessThan(1e-5)
    expect(await metadataOf(target)).toMatchObject({ 'gan.name': 'run-name', 'gan.license': 'CC0-1.0', 'gan.latent_size': '8' })
    expect(await readdir(join(dir, 'out'))).toEqual(['model.onnx'])
  })

  it('maps flags to options verbatim, in human-readable lines', async () => {
    const target = join(dir, 'flags.onnx')
    const { code, out } = await cli(
      join(dir, 'run'),
      '--out',
      target,
      '--no-verify',
      '--name',
      '007',
      '--license=MIT',
      '--description',
      'a test',
      '--range=0,1',
      '--labels',
      'a, b',
      '--latent-distribution',
      'uniform',
    )
    expect(code).toBe(0)
    expect(out).toEqual([
      expect.stringMatching(/^read .*run \(with gan\.json\): 8 layers, [\d,]+ parameters$/),
      'optimized: 10 → 8 ONNX nodes (2 batch norms folded, 0 layout nodes removed)',
      expect.stringMatching(/^converted: 8 ONNX nodes, opset 17, [\d.]+ KiB$/),
      `wrote ${target}`,
    ])
    expect(await metadataOf(target)).toMatchObject({
      'gan.name': '007',
      'gan.license': 'MIT',
      'gan.description': 'a test',
      'gan.output_range': '0,1',
      'gan.labels': '["a","b"]',
      'gan.latent_distribution': 'uniform',
    })
  })

  it('exits 1 with the error message when the export fails, writing nothing', async () => {
    const target = join(dir, 'never.onnx')
    const { code, err } = await cli(join(dir, 'missing-run'), '--out', target)
    expect(code).toBe(1)
    expect(err).toEqual([expect.stringMatching(/^\[gan-export\] .*missing-run does not exist\. Pass a training run directory/)])
    const tight = await cli(join(dir, 'run'), '--out', target, '--tolerance', '1e-12')
    expect(tight.code).toBe(1)
    expect(tight.err[0]).toMatch(/differs from TF\.js predict by up to .* \(tolerance 1e-12\); nothing was written/)
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it.each([
    [['run'], '[gan-export] missing --out <file>: where to write the .onnx model (gan-export --help lists the options).'],
    [[], '[gan-export] missing <input>: a training run directory'],
    [['run', '--out', 'x.onnx', '--bogus'], "[gan-export] unknown option '--bogus'"],
    [['run', 'extra', '--out', 'x.onnx'], '[gan-export] unexpected argument "extra" (gan-export --help lists the options).'],
    [['run', '--out'], '[gan-export] --out needs a value'],
    [
      ['run', '--out', 'x.onnx', '--range', '-1,1'],
      '[gan-export] --range is followed by "-1,1", which reads as an option: give --range a value, or write --range=-1,1 if that is its value',
    ],
    [['run', '--out', 'x.onnx', '--tolerance', 'abc'], '[gan-export] --tolerance "abc" is invalid: pass a positive number written plainly'],
    [
      ['run', '--out', 'x.onnx', '--step', '4k'],
      '[gan-export] --step "4k" is invalid: pass the step of a kept checkpoint, e.g. --step 4000.',
    ],
    [
      ['run', '--out', 'x.onnx', '--step', '0'],
      '[gan-export] --step "0" is invalid: pass the step of a kept checkpoint, e.g. --step 4000.',
    ],
    [['run', '--out', 'x.onnx', '--tolerance', '0x1'], '[gan-export] --tolerance "0x1" is invalid: pass a positive number written plainly'],
    [['run', '--out', 'x.onnx', '--tolerance', '0'], '[gan-export] option tolerance is 0; expected a positive number'],
    [
      ['run', '--out', 'x.onnx', '--engine', 'onnxmltools'],
      '[gan-export] option engine is "onnxmltools"; expected one of native, tf2onnx.',
    ],
    [['run', '--out', 'run/gan.json'], '[gan-export] out '],
    [
      ['run', '--out', 'x.onnx', '--range=1,-1'],
      '[gan-export] --range "1,-1" is invalid: pass min,max with finite min < max, written with "=", e.g. --range=-1,1.',
    ],
    [['run', '--out', 'x.onnx', '--range= 0,x'], '[gan-export] --range " 0,x" is invalid'],
    [
      ['run', '--out', 'x.onnx', '--latent-distribution', 'cauchy'],
      '[gan-export] option latentDistribution is "cauchy"; expected one of normal, uniform.',
    ],
  ])('%j is a usage error: exit 2, one line on stderr, nothing written', async (argv, message) => {
    const r = await cli(
      ...argv.map((a) => (a === 'run' ? join(dir, 'run') : a === 'x.onnx' ? join(dir, 'x.onnx') : a.startsWith('run/') ? join(dir, a) : a)),
    )
    expect(r.code).toBe(2)
    expect(r.out).toEqual([])
    expect(r.err).toHaveLength(1)
    expect(r.err[0]!.startsWith(message)).toBe(true)
    await expect(stat(join(dir, 'x.onnx'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('--discriminator, --fp16 and --no-optimize, in human-readable lines', async () => {
    const target = join(dir, 'd.onnx')
    const d = await cli(join(dir, 'run'), '--out', target, '--discriminator', '--fp16', '--no-optimize')
    expect(d).toMatchObject({ code: 0, err: [] })
    expect(d.out).toEqual([
      expect.stringMatching(/^read .*run \(with gan\.json\), the discriminator: 6 layers, [\d,]+ parameters$/),
      expect.stringMatching(
        /^float16 weights \(6 tensors, each cast to float32 in the graph\): [\d.]+ KiB, [\d.]+% of float32's [\d.]+ KiB; max \|float16 − float32\| = [\d.e+-]+$/,
      ),
      expect.stringMatching(/^converted: 13 ONNX nodes, opset 17, [\d.]+ KiB$/),
      expect.stringMatching(/^verified: max \|ONNX − TF\.js\| = [\d.e+-]+ over 8 images \(tolerance 0\.02 for float16 weights\)$/),
      `wrote ${target}`,
    ])
    expect(await metadataOf(target)).toMatchObject({ 'gan.role': 'discriminator', 'gan.input_range': '-1,1', 'gan.name': 'run-name' })
    const g = await cli(join(dir, 'run'), '--out', join(dir, 'g16.onnx'), '--fp16')
    expect(g.out[2]).toMatch(/^float16 weights .* \(\d of 255 pixel levels\)$/)
    await metadataOf(join(dir, 'g16.onnx'))
  })

  it('an output path under a file is one ERR_WRITE line, exit 1', async () => {
    const r = await cli(join(dir, 'run'), '--out', join(dir, 'run', 'gan.json', 'model.onnx'))
    expect(r).toMatchObject({
      code: 1,
      out: [],
      err: [expect.stringMatching(/^\[gan-export\] cannot write .*gan\.json is a file, not a directory/)],
    })
  })

  it('with --json, a failure is also an NDJSON error event', async () => {
    const r = await cli(join(dir, 'missing-run'), '--out', join(dir, 'x.onnx'), '--json')
    expect(r.code).toBe(1)
    expect(r.out.map((l) => JSON.parse(l))).toEqual([{ type: 'error', code: 'ERR_INPUT', message: r.err[0] }])
  })

  it('--help prints the usage and --version the version, exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cli(flag)
      expect(r).toMatchObject({ code: 0, err: [] })
      expect(r.out.join('\n')).toMatch(/^Usage: gan-export <input> --out <file> \[options\]/)
    }
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(await cli('--version')).toEqual({ code: 0, out: [pkg.version], err: [] })
  })
})

describe('exportOptionsFromFlags', () => {
  it('keeps values as typed and parses only the text forms, without mutating the flags', () => {
    const flags = Object.freeze({
      out: '1e3',
      'no-verify': true,
      tolerance: '1e-3',
      name: '007',
      license: 'MIT',
      description: '',
      range: ' -1 , 1 ',
      labels: 'a, b,,c ',
      'latent-distribution': 'uniform',
      discriminator: true,
      fp16: true,
      'no-optimize': true,
      engine: 'tf2onnx',
    })
    expect(exportOptionsFromFlags(flags)).toEqual({
      role: 'discriminator',
      fp16: true,
      optimize: false,
      engine: 'tf2onnx',
      out: '1e3',
      verify: false,
      tolerance: 1e-3,
      name: '007',
      license: 'MIT',
      description: '',
      range: [-1, 1],
      labels: ['a', 'b', 'c'],
      latentDistribution: 'uniform',
    })
    expect(exportOptionsFromFlags({ out: 'm.onnx' })).toEqual({ out: 'm.onnx', verify: true })
  })
})
