import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveTrainCommandOptions, runCli, type RunCliOptions, type TrainCommandFlags } from './run-cli.js'
import { TRAIN_FLAGS } from './train-flags.js'

async function cli(argv: string[], options?: RunCliOptions, onLine?: (line: string) => void) {
  const stdout: string[] = []
  const stderr: string[] = []
  const io = {
    stdout: (line: string) => {
      stdout.push(line)
      onLine?.(line)
    },
    stderr: (line: string) => stderr.push(line),
  }
  const code = await runCli(argv, io, options)
  return { code, stdout, stderr }
}

/** A real run, small enough to take a second or two: MNIST with tiny networks on wasm. */
const TINY = [
  '--batch-size',
  '8',
  '--latent-size',
  '8',
  '--generator-filters',
  '8,4',
  '--discriminator-filters',
  '4,8',
  '--backend',
  'wasm',
  '--log-every',
  '1',
]

/** Every flag of gan-train but --resume, as typed. */
const ALL_FLAGS = {
  out: 'runs/x',
  steps: '12000',
  'batch-size': '32',
  lr: '2e-4',
  'd-lr': '4e-4',
  'lr-decay-steps': '3000',
  'latent-size': '64',
  'generator-filters': '64, 32',
  'discriminator-filters': '32,64',
  ema: '.99',
  'standing-stats': '16',
  'class-loss': '0.25',
  lecam: '0.3',
  reconstruction: '0.5',
  'top-k': '0.5',
  'blur-steps': '1500',
  seed: '0',
  'sample-every': '100',
  'checkpoint-every': '200',
  'keep-checkpoints': '3',
  'log-every': '10',
  backend: 'cpu',
  'no-fast-kernels': true,
  workers: '3',
  name: '007',
  license: '1e3',
  size: '32',
  channels: '3',
  fit: 'pad',
  conditional: true,
  'label-conditioning': 'concat',
  beta1: '0.9',
  'kernel-size': '3',
  upsampling: 'nearest',
  'generator-blocks': 'residual',
  'generator-padding': 'reflect',
  'output-filters': '16',
  'discriminator-input-filters': '32',
  loss: 'hinge',
  augment: 'color, cutout',
  'spectral-norm': true,
  'spectral-norm-projection': true,
  'pretrained-features': true,
  'feature-judge': 'projected',
  'feature-upsampling': '2',
  mirror: true,
  'init-from': 'runs/y',
  'init-step': '4000',
  force: true,
} satisfies TrainCommandFlags

describe('resolveTrainCommandOptions', () => {
  it('leaves out what was not given, so train() applies its own defaults', () => {
    expect(resolveTrainCommandOptions({})).toEqual({ outDir: 'runs/mnist', dataset: 'mnist' })
  })

  it('puts a run without --out in runs/<dataset>: a folder under its own name', () => {
    expect(resolveTrainCommandOptions({}, 'emoji').outDir).toBe('runs/emoji')
    expect(resolveTrainCommandOptions({}, './data/photos/').outDir).toBe('runs/photos')
    expect(resolveTrainCommandOptions({}, '/').outDir).toBe('runs/folder')
    expect(resolveTrainCommandOptions({ out: 'mine' }, './data/photos').outDir).toBe('mine')
  })

  it('reads every flag as typed', () => {
    const options = resolveTrainCommandOptions(ALL_FLAGS, './photos')
    expect(options).toEqual({
      outDir: 'runs/x',
      dataset: './photos',
      size: 32,
      channels: 3,
      fit: 'pad',
      conditional: true,
      labelConditioning: 'concat',
      beta1: 0.9,
      kernelSize: 3,
      upsampling: 'nearest',
      generatorBlocks: 'residual',
      generatorPadding: 'reflect',
      outputFilters: 16,
      discriminatorInputFilters: 32,
      loss: 'hinge',
      augment: ['color', 'cutout'],
      spectralNorm: true,
      spectralNormProjection: true,
      pretrainedFeatures: true,
      featureJudge: 'projected',
      featureUpsampling: 2,
      mirror: true,
      force: true,
      steps: 12000,
      batchSize: 32,
      learningRate: 0.0002,
      discriminatorLearningRate: 0.0004,
      learningRateDecaySteps: 3000,
      latentSize: 64,
      generatorFilters: [64, 32],
      discriminatorFilters: [32, 64],
      emaDecay: 0.99,
      standingStats: 16,
      classLoss: 0.25,
      lecam: 0.3,
      reconstruction: 0.5,
      topK: 0.5,
      blurSteps: 1500,
      seed: 0,
      sampleEvery: 100,
      checkpointEvery: 200,
      keepCheckpoints: 3,
      logEvery: 10,
      backend: 'cpu',
      fastKernels: false,
      workers: 3,
      name: '007',
      license: '1e3',
      initFrom: 'runs/y',
      initStep: 4000,
    })
  })

  it('--resume <run> is the output directory, with no --out beside it; a dataset beside it goes to train()', () => {
    expect(resolveTrainCommandOptions({ resume: 'runs/x', steps: '5000' })).toEqual({ outDir: 'runs/x', resume: true, steps: 5000 })
    expect(() => resolveTrainCommandOptions({ resume: 'runs/x', out: 'runs/y' })).toThrow(
      '[gan-train] --resume "runs/x" continues that run in its own directory: leave out --out.',
    )
    // train() takes it for a folder run whose images moved, and refuses it otherwise (resume.test.ts).
    expect(resolveTrainCommandOptions({ resume: 'runs/x' }, 'moved/photos')).toEqual({
      outDir: 'runs/x',
      resume: true,
      dataset: 'moved/photos',
    })
  })

  it('--resume refuses the flags of settings the run fixes, by flag, and names the ones that may change', () => {
    const changeable: string[] = []
    for (const [flag, value] of Object.entries(ALL_FLAGS)) {
      if (flag === 'out') continue
      try {
        resolveTrainCommandOptions({ resume: 'runs/x', [flag]: value })
        changeable.push(flag)
      } catch (err) {
        expect(err).toMatchObject({
          code: 'ERR_INVALID_OPTION',
          message: expect.stringMatching(new RegExp(`^\\[gan-train\\] --${flag} is fixed by the run`)),
        })
      }
    }
    const mayChange = [
      'steps',
      'lr-decay-steps',
      'standing-stats',
      'sample-every',
      'checkpoint-every',
      'keep-checkpoints',
      'log-every',
      'backend',
      'no-fast-kernels',
      'workers',
    ]
    expect(changeable.sort()).toEqual([...mayChange, 'force'].sort())
    expect(() => resolveTrainCommandOptions({ resume: 'runs/x', loss: 'ns' })).toThrow(
      `[gan-train] --loss is fixed by the run that --resume "runs/x" continues (its config.json): leave it out (only ${mayChange.map((f) => `--${f}`).join(', ')} may change).`,
    )
  })
})

describe('gan-train CLI', () => {
  it('-h and --help print the usage with the defaults and exit 0', async () => {
    for (const flag of ['-h', '--help']) {
      const r = await cli([flag])
      expect(r.code).toBe(0)
      expect(r.stderr).toEqual([])
      expect(r.stdout[0]).toMatch(/^Usage: gan-train \[mnist \| emoji \| emoji-subcategories \| <folder>\] \[options\]/)
      expect(r.stdout[0]).toContain('--steps <n>                     total training steps (default: 3000)')
      expect(r.stdout[0]).toContain('--no-fast-kernels')
    }
  })

  it('--help lists every flag gan-train takes', async () => {
    const [help] = (await cli(['--help'])).stdout
    const flags = Object.keys(TRAIN_FLAGS)
    expect(flags.length).toBeGreaterThan(40)
    for (const flag of flags) expect(help).toMatch(new RegExp(`^ +(-h, )?--${flag}\\b`, 'm'))
  })

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: [version], stderr: [] })
  })

  it.each([
    [['--steps', 'abc'], '[gan-train] --steps "abc" is invalid: pass an integer ≥ 1, e.g. --steps 3000.'],
    [['--steps', '1e3'], '[gan-train] --steps "1e3" is invalid: pass an integer ≥ 1'],
    [['--steps', '0'], '[gan-train] --steps "0" is invalid: pass an integer ≥ 1'],
    [['--seed=-1'], '[gan-train] --seed "-1" is invalid: pass an integer ≥ 0, e.g. --seed 1.'],
    [['--lr', '0'], '[gan-train] --lr "0" is invalid: pass a number in (0, 1), e.g. --lr 0.0002.'],
    [['--lr', '0x10'], '[gan-train] --lr "0x10" is invalid'],
    [['--d-lr', '2'], '[gan-train] --d-lr "2" is invalid: pass a number in (0, 1), e.g. --d-lr 0.0002.'],
    [['--lr-decay-steps', '1.5'], '[gan-train] --lr-decay-steps "1.5" is invalid: pass an integer ≥ 0, e.g. --lr-decay-steps 0.'],
    [['--ema', '1'], '[gan-train] --ema "1" is invalid: pass a number in [0, 1)'],
    [['--standing-stats=-1'], '[gan-train] --standing-stats "-1" is invalid: pass an integer ≥ 0, e.g. --standing-stats 0.'],
    [['--class-loss', 'high'], '[gan-train] --class-loss "high" is invalid: pass a number ≥ 0, e.g. --class-loss 0.'],
    [
      ['--generator-filters', '128,x'],
      '[gan-train] --generator-filters "128,x" is invalid: pass positive integers separated by commas, e.g. --generator-filters 128,64.',
    ],
    [['--discriminator-filters', ''], '[gan-train] --discriminator-filters "" is invalid'],
    [['--backend', 'webgl'], '[gan-train] --backend "webgl" is invalid: use one of auto, tfjs-node-gpu, tfjs-node, wasm, cpu.'],
    [['--workers', '0'], '[gan-train] --workers "0" is invalid: pass auto or an integer ≥ 1, e.g. --workers 2.'],
    [['--workers', 'max'], '[gan-train] --workers "max" is invalid'],
    [['--size', '48'], '[gan-train] --size "48" is invalid: use one of 28, 32, 64, 128.'],
    [['--channels', '2'], '[gan-train] --channels "2" is invalid: use one of 1, 3, 4.'],
    [['--loss', 'wgan'], '[gan-train] --loss "wgan" is invalid: use one of ns, hinge.'],
    [['--upsampling', 'bilinear'], '[gan-train] --upsampling "bilinear" is invalid: use one of transposed, nearest.'],
    [['--generator-blocks', 'resnet'], '[gan-train] --generator-blocks "resnet" is invalid: use one of plain, residual.'],
    [['--generator-padding', 'mirror'], '[gan-train] --generator-padding "mirror" is invalid: use one of zeros, reflect.'],
    [
      ['--conditional', '--label-conditioning', 'add'],
      '[gan-train] --label-conditioning "add" is invalid: use one of multiply, concat, batchnorm.',
    ],
    [
      ['--augment', 'color,flip'],
      '[gan-train] --augment "color,flip" is invalid: pass distinct policies out of translation, cutout, color',
    ],
    [['--out', ''], '[gan-train] --out "" is empty: pass a directory path, or leave the flag out.'],
    [['--name', ''], '[gan-train] --name "" is empty'],
    [['--init-from', ''], '[gan-train] --init-from "" is empty: pass the directory of the run to start from, or leave the flag out.'],
    [
      ['--init-from', 'runs/x', '--init-step', '0'],
      '[gan-train] --init-step "0" is invalid: pass the step of a kept checkpoint of the run --init-from names, e.g. --init-step 4000.',
    ],
    [
      ['--init-step', '500'],
      '[gan-train] --init-step picks a checkpoint of the run --init-from names: add --init-from <run>, or leave --init-step out.',
    ],
    [['--stpes', '5'], "[gan-train] unknown option '--stpes'"],
    [['--fast-kernels'], "[gan-train] unknown option '--fast-kernels'"],
    [['--steps'], '[gan-train] --steps needs a value (gan-train --help lists the options).'],
    [['mnist', 'extra'], '[gan-train] unexpected argument "extra" (gan-train --help lists the options).'],
  ])('%j is a usage error: exit 2, one line, nothing written', async (argv, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-train-cli-'))
    const r = await cli([...(argv.includes('--out') ? [] : ['--out', join(dir, 'run')]), ...argv])
    expect(r.code).toBe(2)
    expect(r.stdout).toEqual([])
    expect(r.stderr).toHaveLength(1)
    expect(r.stderr[0]!.startsWith(message)).toBe(true)
    expect(await readdir(dir)).toEqual([])
  })

  it('a batch larger than the dataset is refused before any backend loads: exit 2, nothing written', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-train-cli-')), 'run')
    const r = await cli(['--out', out, '--batch-size', '100000'])
    expect(r.code).toBe(2)
    expect(r.stdout).toEqual(['data: mnist, 8000 images at 28×28×1'])
    expect(r.stderr).toEqual([
      '[gan-train] a batch of 100000 images is larger than the dataset (8000 images): pass a batch size of at most 8000 (--batch-size 8000, or batchSize: 8000).',
    ])
    await expect(readdir(out)).rejects.toThrow('ENOENT')
  })

  it('a non-empty --out is refused unless --force, which replaces only the run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gan-train-cli-'))
    await writeFile(join(out, 'metrics.jsonl'), 'old\n')
    await writeFile(join(out, 'notes.txt'), 'mine')
    const refused = await cli(['--out', out, '--steps', '1', ...TINY])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toEqual([
      `[gan-train] ${JSON.stringify(out)} is not empty (metrics.jsonl, notes.txt): pass --resume to continue the run there, --force to replace it, or another --out.`,
    ])
    expect(await readFile(join(out, 'metrics.jsonl'), 'utf8')).toBe('old\n')
    // Refused after the images load (a batch larger than the dataset): the old run is still whole.
    const huge = TINY.map((arg, i) => (TINY[i - 1] === '--batch-size' ? '100000' : arg))
    const late = await cli(['--out', out, '--steps', '1', ...huge, '--force'])
    expect(late.stderr).toEqual([expect.stringContaining('a batch of 100000 images is larger than the dataset')])
    expect(late.code).toBe(2)
    expect(await readFile(join(out, 'metrics.jsonl'), 'utf8')).toBe('old\n')
    const forced = await cli(['--out', out, '--steps', '1', ...TINY, '--force'])
    expect(forced.code).toBe(0)
    expect((await readFile(join(out, 'metrics.jsonl'), 'utf8')).split('\n')[0]).toMatch(/^\{"step":1,/)
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine')
  })

  it('--json reports a usage error as an NDJSON error event too', async () => {
    const r = await cli(['--json', '--steps', 'abc'])
    expect(r.code).toBe(2)
    expect(r.stdout.map((l) => JSON.parse(l))).toEqual([{ type: 'error', code: 'ERR_INVALID_OPTION', message: r.stderr[0] }])
  })

  it('trains in-process: a line per event, the run on disk, the name kept as typed', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-train-cli-')), 'run')
    const r = await cli(['mnist', '--out', out, '--steps', '2', ...TINY, '--name', '007', '--license', '1e3', '--workers', '2'])
    expect(r.stderr).toEqual([])
    expect(r.code).toBe(0)
    expect(r.stdout.slice(0, 2)).toEqual(['data: mnist, 8000 images at 28×28×1', 'backend: wasm, 2 workers, onnxruntime kernels'])
    expect(r.stdout.filter((l) => /^(training|step|sample|checkpoint|done)/.test(l)).map((l) => l.split(/[ :]/)[0])).toEqual([
      'training',
      'step',
      'step',
      'sample',
      'checkpoint',
      'done',
    ])
    expect(r.stdout).toContain(`sample @ step 2: ${join(out, 'samples', 'step-000002.png')}`)
    const manifest = JSON.parse(await readFile(join(out, 'gan.json'), 'utf8'))
    expect(manifest).toMatchObject({ name: '007', license: '1e3', steps: 2, latentSize: 8, backend: 'wasm' })
  })

  it('stops when the signal aborts, saves that step, and exits 130; --json prints the events as NDJSON', async () => {
    // A name the shell must quote: the command printed to continue the run is one to paste.
    const out = join(await mkdtemp(join(tmpdir(), 'gan-train-cli-')), "Jo's run")
    const controller = new AbortController()
    const r = await cli(['--out', out, '--steps', '1000', ...TINY, '--json'], { signal: controller.signal }, (line) => {
      if ((JSON.parse(line) as { type: string }).type === 'step') controller.abort()
    })
    expect(r.code).toBe(130)
    expect(r.stderr).toEqual([
      `[gan-train] interrupted after step 1; that step is saved in ${out}. Continue with: gan-train --resume '${out.replace("'", "'\\''")}'`,
    ])
    const events = r.stdout.map((l) => JSON.parse(l) as { type: string })
    expect(events.map((e) => e.type)).toEqual(['data', 'backend', 'start', 'progress', 'step', 'sample', 'checkpoint', 'done'])
    expect(events.at(-1)).toMatchObject({ type: 'done', steps: 1, totalSteps: 1000 })
    expect(JSON.parse(await readFile(join(out, 'gan.json'), 'utf8'))).toMatchObject({ steps: 1 })
  })

  it('an --out it cannot write (a file, or under one) is ERR_WRITE naming the path, before the images load: exit 1, one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-train-cli-'))
    const file = join(dir, 'file')
    await writeFile(file, '')
    for (const out of [file, join(file, 'run')]) {
      const r = await cli(['--out', out, '--steps', '1', ...TINY])
      expect(r.code).toBe(1)
      expect(r.stdout).toEqual([])
      expect(r.stderr).toEqual([
        `[gan-train] cannot write ${JSON.stringify(out)} (ENOTDIR): pass an outDir (--out) you can write to, not a file or a path under one.`,
      ])
    }
  })
})
