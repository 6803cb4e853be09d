#!/usr/bin/env node
import { cac } from 'cac'
import { join } from 'node:path'
import { GanError, Generator, type ModelSource } from './index.node.js'
import { writeFileAtomic } from './node/atomic-write.js'

// A thin shell over the library: flags become Generator.load/generateBatch calls.
const cli = cac('gan-sdk')

cli
  .command('generate', 'Generate PNG images, one per seed (seed … seed+count−1), in one batch')
  .option('--seed <n>', 'First seed (integer) or a string seed', { default: 0 })
  .option('--count <n>', 'Number of images', { default: 1 })
  .option('--out <dir>', 'Output directory', { default: 'out' })
  .option('--model <path>', 'A .onnx generator (default: the bundled MNIST model)')
  .option('--json', 'Print one JSON line per written file')
  .action(async (flags: { seed: string | number; count: number; out: string; model?: string; json?: boolean }) => {
    const count = Number(flags.count)
    if (!Number.isInteger(count) || count < 1 || count > 100_000) {
      throw new GanError('ERR_INVALID_OPTION', `--count must be an integer in [1, 100000], got ${JSON.stringify(flags.count)}.`)
    }
    const first = typeof flags.seed === 'number' || /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed
    const seeds = typeof first === 'number' ? Array.from({ length: count }, (_, i) => first + i) : count === 1 ? [first] : Array.from({ length: count }, (_, i) => `${first}-${i}`)
    const generator = await Generator.load(flags.model as ModelSource | undefined)
    const images = await generator.generateBatch(seeds)
    for (const image of images) {
      const file = join(flags.out, `${String(image.seed)}.png`)
      await writeFileAtomic(file, image.toPNG())
      console.log(flags.json ? JSON.stringify({ type: 'written', seed: image.seed, file, width: image.width, height: image.height }) : file)
    }
    await generator.dispose()
  })

cli
  .command('info', 'Print the model contract of a generator')
  .option('--model <path>', 'A .onnx generator (default: the bundled MNIST model)')
  .action(async (flags: { model?: string }) => {
    const generator = await Generator.load(flags.model as ModelSource | undefined)
    console.log(JSON.stringify(generator.info, null, 2))
    await generator.dispose()
  })

cli.help()

try {
  cli.parse(process.argv, { run: false })
  if (!cli.matchedCommand) {
    cli.outputHelp()
    process.exitCode = process.argv.length > 2 ? 1 : 0
  } else await cli.runMatchedCommand()
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err))
  process.exitCode = 1
}
