import { fromBinary } from '@bufbuild/protobuf'
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelProtoSchema } from 'onnx-buf'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './run-cli.js'
import { artifactsOf, dcgan, randomize, writeRunDir } from './testing/fixtures.js'

async function cli(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out, err }
}

async function metadataOf(path: string): Promise<Record<string, string>> {
  return Object.fromEntries(fromBinary(ModelProtoSchema, await readFile(path)).metadataProps.map((p) => [p.key, p.value]))
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
  })

  it('exports a run directory, printing one NDJSON event per line', async () => {
    const target = join(dir, 'out', 'model.onnx')
    const { code, out, err } = await cli(join(dir, 'run'), '--out', target, '--json')
    expect({ code, err }).toEqual({ code: 0, err: [] })
    const events = out.map((line) => JSON.parse(line) as { type: string; maxAbsDiff?: number })
    expect(events.map((e) => e.type)).toEqual(['read', 'converted', 'verified', 'written'])
    expect(events[2]!.maxAbsDiff).toBeLessThan(1e-5)
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
      expect.stringMatching(/^converted: 10 ONNX nodes, opset 17, [\d.]+ KiB$/),
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

  it('exits 2 on a wrong command line', async () => {
    expect(await cli(join(dir, 'run'))).toMatchObject({ code: 2, err: [expect.stringMatching(/missing --out <file>/)] })
    expect(await cli()).toMatchObject({ code: 2, err: [expect.stringMatching(/missing required args for command `<input>`/)] })
    expect(await cli(join(dir, 'run'), '--out', 'x.onnx', '--bogus')).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/Unknown option `--bogus`/)],
    })
    expect(await cli(join(dir, 'run'), '--out', 'x.onnx', '--tolerance', 'abc')).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/option tolerance is NaN; expected a positive number/)],
    })
  })
})
