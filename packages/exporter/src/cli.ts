#!/usr/bin/env node
import { cac } from 'cac'
import { exportOnnx } from './export.js'
import type { ExportEvent } from './events.js'

// A thin shell over exportOnnx(): flags become options, events become lines.
const cli = cac('gan-export')

cli
  .command('<input>', 'Convert a training run (gan.json) or TF.js model directory to ONNX')
  .option('--out <file>', 'Output .onnx path', { default: 'model.onnx' })
  .option('--no-verify', 'Skip the ONNX Runtime vs TF.js parity check')
  .option('--tolerance <x>', 'Max allowed |ONNX − TF.js|', { default: 1e-4 })
  .option('--name <name>', 'Model name (metadata gan.name)')
  .option('--license <spdx>', 'Licence of the weights (metadata gan.license)')
  .option('--description <text>', 'Description (metadata gan.description)')
  .option('--range <min,max>', 'Output value range, e.g. -1,1')
  .option('--json', 'Print events as NDJSON')
  .action(async (input: string, flags: Record<string, unknown>) => {
    const render = (e: ExportEvent) => {
      if (flags['json']) return console.log(JSON.stringify(e))
      if (e.type === 'read') console.log(`read ${e.layers} layers, ${e.weights} weight tensors`)
      if (e.type === 'converted') console.log(`converted: ${e.nodes} ONNX nodes, ${(e.bytes / 1024).toFixed(0)} KiB`)
      if (e.type === 'verified') console.log(`verified: max |ONNX − TF.js| = ${e.maxAbsDiff.toExponential(2)} over ${e.batch} latents (tolerance ${e.tolerance})`)
      if (e.type === 'written') console.log(`wrote ${e.path}`)
    }
    const range = typeof flags['range'] === 'string' ? (flags['range'].split(',').map(Number) as [number, number]) : undefined
    await exportOnnx(input, {
      out: String(flags['out']),
      verify: flags['verify'] !== false,
      tolerance: Number(flags['tolerance']),
      onEvent: render,
      ...(flags['name'] ? { name: String(flags['name']) } : {}),
      ...(flags['license'] ? { license: String(flags['license']) } : {}),
      ...(flags['description'] ? { description: String(flags['description']) } : {}),
      ...(range ? { range } : {}),
    })
  })

cli.help()

try {
  cli.parse(process.argv, { run: false })
  await cli.runMatchedCommand()
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err))
  process.exitCode = 1
}
