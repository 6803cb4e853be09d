import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { selectBackend } from './backend/ladder.js'
import { loadLayersModel } from './io/layers-model-io.js'
import { readRunManifest } from './run-manifest.js'
import { train } from './train.js'

// The built bin, through the workspace symlink `npx gan-train` uses: run `npm run build` first (the
// root `npm test` does). Behaviour is tested in-process in run-cli.test.ts; this checks the process wiring.
const BIN = fileURLToPath(new URL('../../../node_modules/.bin/gan-train', import.meta.url))
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
]

function start(args: string[]) {
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exit, output: () => ({ stdout, stderr }) }
}

const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 1))
}

describe('gan-train bin', () => {
  it('SIGTERM saves the current step, like Ctrl-C, and exits 143', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-bin-')), 'run')
    const run = start(['--out', out, '--steps', '100000', '--log-every', '1', ...TINY])
    await until(async () => run.output().stdout.includes('step 2/'))
    run.child.kill('SIGTERM')
    expect(await run.exit).toBe(143)
    const steps = (await readRunManifest(out)).steps!
    expect(steps).toBeGreaterThanOrEqual(2)
    expect(run.output().stderr).toContain(
      `[gan-train] interrupted after step ${steps}; that step is saved in ${out}. Continue with: gan-train --resume ${out}`,
    )
  })

  it('with worker threads (--workers 2): Ctrl-C saves the current step and exits 130, and a finished run exits', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-bin-')), 'run')
    const run = start(['--out', out, '--steps', '100000', '--log-every', '1', ...TINY, '--workers', '2'])
    await until(async () => run.output().stdout.includes('step 2/'))
    expect(run.output().stdout).toContain('backend: wasm, 2 workers')
    run.child.kill('SIGINT')
    expect(await run.exit).toBe(130)
    const steps = (await readRunManifest(out)).steps!
    expect(steps).toBeGreaterThanOrEqual(2)
    // Resumed to a near total: the process ends by itself once done, the workers stopped.
    const resumed = start(['--resume', out, '--steps', String(steps + 2)])
    expect(await resumed.exit).toBe(0)
    expect((await readRunManifest(out)).steps).toBe(steps + 2)
  })

  it('finishes the run and exits 0 when the reader of its output stops early (| head -1: EPIPE)', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-bin-')), 'run')
    const run = start(['--out', out, '--steps', '6', '--log-every', '1', '--json', ...TINY])
    await until(async () => run.output().stdout.length > 0)
    run.child.stdout.destroy()
    expect(await run.exit).toBe(0)
    expect(run.output().stderr).toBe('')
    expect((await readRunManifest(out)).steps).toBe(6)
  })

  it('SIGKILL during a checkpoint write leaves the previous checkpoint loadable, and the run resumable', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-bin-')), 'run')
    // Wider networks, so a checkpoint takes long enough to be caught half-written.
    const wide = TINY.map((arg, i) => ({ '--generator-filters': '64,32', '--discriminator-filters': '32,64' })[TINY[i - 1]!] ?? arg)
    const run = start(['--out', out, '--steps', '100000', '--checkpoint-every', '1', ...wide])
    const checkpoints = join(out, 'checkpoints')
    await until(async () => (await readFile(join(out, 'gan.json'), 'utf8').catch(() => '')).includes('"steps"'))
    await until(async () => (await readdir(checkpoints).catch(() => [])).some((e) => e.includes('.tmp-')))
    run.child.kill('SIGKILL')
    await run.exit
    const manifest = await readRunManifest(out)
    await selectBackend('wasm')
    for (const part of [manifest.generator, manifest.discriminator!]) (await loadLayersModel(join(out, part))).dispose()
    const resumed = await train({ outDir: out, resume: true, steps: manifest.steps! + 1 })
    expect(resumed).toMatchObject({ startStep: manifest.steps, steps: manifest.steps! + 1 })
    expect((await readdir(checkpoints)).filter((e) => e.includes('.tmp-'))).toEqual([])
  })
})
