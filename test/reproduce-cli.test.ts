import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readMetrics, train } from '@gan-sdk/trainer'

// `npm run train:<model> -- …` (models/<model>/reproduce.mjs on models/reproduce.mjs): a short run
// through the whole pipeline, resumed, and a bad command line answered as the packages' CLIs do: one
// line on stderr naming the fix, exit 2, nothing trained.
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
  it('trains, resumes, exports and scores, recording the settings the run trained with', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reproduce-run-'))
    try {
      const args = ['--out', join(dir, 'run'), '--model', join(dir, 'mnist.onnx'), '--eval-count', '10']
      const first = spawnSync(process.execPath, [script('mnist'), ...args, '--steps', '1', '--lr-decay-steps', '0'], { encoding: 'utf8' })
      expect([first.status, first.stderr]).toEqual([0, ''])
      const resumed = spawnSync(process.execPath, [script('mnist'), ...args, '--resume', '--steps', '2'], { encoding: 'utf8' })
      expect([resumed.status, resumed.stderr]).toEqual([0, ''])
      expect(resumed.stdout).toContain('step 2/2')
      const report = JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')) as { model: string; training: Record<string, unknown> }
      // From the run's config.json: the recipe, the seed and the decay it was started with.
      expect(report.training).toMatchObject({ dataset: 'mnist', steps: 2, seed: 1, learningRateDecaySteps: 0, classLoss: 0.1, workers: 2 })
      expect((await readdir(dir)).sort()).toEqual(['eval.json', 'mnist.onnx', 'run', 'samples.png'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('--step exports and scores a kept checkpoint of a finished run, with the training record to that step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reproduce-step-'))
    try {
      const run = join(dir, 'run')
      await train({
        outDir: run,
        dataset: 'mnist',
        conditional: true,
        steps: 2,
        batchSize: 8,
        checkpointEvery: 1,
        keepCheckpoints: 0,
        logEvery: 1,
        backend: 'wasm',
      })
      const args = [script('mnist'), '--out', run, '--model', join(dir, 'mnist.onnx'), '--eval-count', '10', '--skip-train']
      const earlier = spawnSync(process.execPath, [...args, '--step', '1'], { encoding: 'utf8' })
      expect([earlier.status, earlier.stderr]).toEqual([0, ''])
      const report = JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')) as { training: Record<string, unknown> }
      const [line1] = await readMetrics(run)
      expect(line1!.step).toBe(1)
      expect(report.training).toMatchObject({
        steps: 1,
        runSteps: 2,
        seconds: Math.round(line1!.elapsedSec),
        imagesPerSec: Math.round(line1!.imagesPerSec),
      })
      expect(report.training['imagesPerSec']).toBeGreaterThan(0)
      const atStep1 = await readFile(join(dir, 'mnist.onnx'))
      expect(spawnSync(process.execPath, args, { encoding: 'utf8' }).status).toBe(0)
      expect(Buffer.compare(await readFile(join(dir, 'mnist.onnx')), atStep1)).not.toBe(0)
      const last = JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')) as { training: Record<string, unknown> }
      expect(last.training['steps']).toBe(2)
      expect(last.training).not.toHaveProperty('runSteps')
      const missing = spawnSync(process.execPath, [...args, '--step', '3'], { encoding: 'utf8' })
      expect(missing.status).toBe(1)
      expect(missing.stderr.trim().split('\n')).toEqual([expect.stringContaining('has no checkpoint of step 3 (it keeps 1, 2)')])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('names what is missing: a run to export, an eval.json to keep', async () => {
    const skip = reproduce('mnist', '--skip-train', '--model', join(out, 'm.onnx'))
    expect(skip.status).toBe(1)
    expect(skip.stderr.trim().split('\n')).toEqual([expect.stringMatching(/has no finished run \(gan\.json missing\): train it first/)])
    const evalOnly = reproduce('mnist', '--eval-only', '--model', join(out, 'm.onnx'))
    expect(evalOnly.status).toBe(2)
    expect(evalOnly.stderr).toMatch(/^\[train:mnist\] --eval-only re-scores a model beside its eval\.json, and .*eval\.json is missing/)
    expect(await readdir(out)).toEqual([])
  })

  it('refuses a rate decay longer than a short run, naming the flag that fixes it', async () => {
    const r = reproduce('mnist', '--steps', '100')
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('use at most --lr-decay-steps 100')])
    expect(await readdir(out)).toEqual([])
  })

  it('passes --lr-decay-steps to the trainer', () => {
    const r = reproduce('mnist', '--steps', '100', '--lr-decay-steps', '150')
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('learningRateDecaySteps 150 is more than')
  })

  it('answers unknown options and bad numbers with one line and exit 2, before training', () => {
    const unknown = reproduce('emoji', '--bogus')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr.trim()).toBe("[train:emoji] unknown option '--bogus' (train:emoji --help lists the options).")
    const bad = reproduce('mnist', '--steps', '1e3')
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim()).toMatch(/^\[train:mnist\] --steps "1e3" is not a whole number/)
    for (const extra of [[], ['--eval-only', '--skip-train']]) {
      const step = reproduce('mnist', '--step', '20', ...extra)
      expect([step.status, step.stdout]).toEqual([2, ''])
      expect(step.stderr.trim()).toMatch(
        /^\[train:mnist\] --step picks a kept checkpoint of a finished run: use it with --skip-train alone/,
      )
    }
    const count = reproduce('emoji', '--eval-count', '1e4')
    expect([count.status, count.stdout]).toEqual([2, ''])
    expect(count.stderr.trim()).toMatch(/^\[train:emoji\] --eval-count "1e4" is not a whole number/)
  })

  it('lists its options, with the recipe defaults, on --help', () => {
    const r = reproduce('mnist', '--help')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Usage: npm run train:mnist -- [--steps N]')
    expect(r.stdout).toContain('[--lr-decay-steps N]')
    expect(r.stdout).toContain('(14000 steps, the rate annealed over the last 2000)')
    expect(reproduce('emoji', '--help').stdout).toContain('(5500 steps, a constant rate)')
  })
})
