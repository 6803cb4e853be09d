#!/usr/bin/env node
import { cac } from 'cac'
import cliProgress from 'cli-progress'
import type { TrainEvent } from './events.js'
import type { TrainOptions } from './options.js'
import { train } from './train.js'

// The CLI is a shell over train(): flags become TrainOptions, events become a bar or lines.
const cli = cac('gan-train')

cli
  .command('[dataset]', 'Train a DCGAN (built-in dataset: mnist)')
  .option('--out <dir>', 'Output directory (checkpoints, samples, metrics.jsonl, gan.json)', { default: 'runs/mnist' })
  .option('--steps <n>', 'Training steps', { default: 3000 })
  .option('--batch-size <n>', 'Images per step', { default: 64 })
  .option('--lr <x>', 'Adam learning rate', { default: 2e-4 })
  .option('--latent-size <n>', 'Latent vector length', { default: 100 })
  .option('--generator-filters <list>', 'Generator feature maps per upsampling stage, comma-separated', { default: '128,64' })
  .option('--discriminator-filters <list>', 'Discriminator feature maps per conv, comma-separated', { default: '64,128' })
  .option('--ema <decay>', 'Generator weight EMA decay (0 = raw weights)', { default: 0.999 })
  .option('--seed <n>', 'Seed of initialisers, data order and latents', { default: 1 })
  .option('--sample-every <n>', 'Steps between sample grids', { default: 500 })
  .option('--checkpoint-every <n>', 'Steps between checkpoints', { default: 1000 })
  .option('--log-every <n>', 'Steps between progress lines / metrics', { default: 50 })
  .option('--backend <name>', 'auto | tfjs-node-gpu | tfjs-node | wasm | cpu', { default: 'auto' })
  .option('--no-fast-kernels', 'On wasm, keep the stock Conv2DBackpropInput kernel (for benchmarks)')
  .option('--name <name>', 'Model name recorded in gan.json')
  .option('--license <spdx>', 'Licence of the trained weights recorded in gan.json')
  .option('--json', 'Print events as NDJSON')
  .action(async (dataset: string | undefined, flags: Record<string, unknown>) => {
    const controller = new AbortController()
    process.once('SIGINT', () => controller.abort())
    const options: TrainOptions = {
      outDir: String(flags['out']),
      dataset: (dataset ?? 'mnist') as TrainOptions['dataset'],
      steps: Number(flags['steps']),
      batchSize: Number(flags['batchSize']),
      learningRate: Number(flags['lr']),
      seed: Number(flags['seed']),
      latentSize: Number(flags['latentSize']),
      generatorFilters: String(flags['generatorFilters']).split(',').map(Number),
      discriminatorFilters: String(flags['discriminatorFilters']).split(',').map(Number),
      emaDecay: Number(flags['ema']),
      sampleEvery: Number(flags['sampleEvery']),
      checkpointEvery: Number(flags['checkpointEvery']),
      logEvery: Number(flags['logEvery']),
      backend: flags['backend'] as TrainOptions['backend'],
      fastKernels: flags['fastKernels'] !== false,
      signal: controller.signal,
      onEvent: flags['json'] ? (e) => console.log(JSON.stringify(e)) : createRenderer(),
      ...(flags['name'] ? { name: String(flags['name']) } : {}),
      ...(flags['license'] ? { license: String(flags['license']) } : {}),
    }
    await train(options)
  })

cli.help()

/** A bar with ETA and images/s on an interactive terminal; one plain line per event elsewhere. */
function createRenderer(): (event: TrainEvent) => void {
  const live = process.stdout.isTTY === true && !process.env['CI']
  let bar: cliProgress.SingleBar | undefined
  return (event) => {
    switch (event.type) {
      case 'backend':
        console.log(`backend: ${event.backend}${event.tried.map((t) => `\n  skipped ${t.name}: ${t.error}`).join('')}`)
        break
      case 'start':
        console.log(`training ${event.totalSteps} steps × ${event.batchSize} images on ${event.datasetSize} images → ${event.outDir}`)
        if (live) {
          bar = new cliProgress.SingleBar(
            { format: 'step {value}/{total} [{bar}] {percentage}% | ETA {eta_formatted} | {ips} img/s | D {d} G {g}', fps: 10 },
            cliProgress.Presets.shades_classic,
          )
          bar.start(event.totalSteps, 0, { ips: '-', d: '-', g: '-' })
        }
        break
      case 'step':
        if (bar) bar.update(event.step, { ips: event.imagesPerSec.toFixed(0), d: event.dLoss.toFixed(3), g: event.gLoss.toFixed(3) })
        else {
          const eta = ((event.totalSteps - event.step) * (event.elapsedSec / event.step)).toFixed(0)
          console.log(
            `step ${event.step}/${event.totalSteps}  D ${event.dLoss.toFixed(4)}  G ${event.gLoss.toFixed(4)}  ${event.imagesPerSec.toFixed(1)} img/s  ETA ${eta}s`,
          )
        }
        break
      case 'sample':
      case 'checkpoint':
        if (!bar) console.log(`${event.type} @ step ${event.step}: ${event.type === 'sample' ? event.path : event.dir}`)
        break
      case 'done':
        bar?.stop()
        console.log(`done: ${event.steps} steps in ${event.elapsedSec.toFixed(1)} s → ${event.outDir}`)
        break
    }
  }
}

cli.parse(process.argv, { run: false })
cli.runMatchedCommand()?.catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
