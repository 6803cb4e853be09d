#!/usr/bin/env node
// The gan-train bin. All behaviour is in run-cli.ts, which tests drive in-process.
import { processIo } from '@gan-sdk/internal'
import { runCli } from './run-cli.js'

// Ctrl-C and SIGTERM (docker stop, CI cancel, timeout) stop training after the current step, which
// is saved; a second signal ends the process at once.
const controller = new AbortController()
let stoppedBy: NodeJS.Signals | undefined
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stoppedBy ??= signal
    controller.abort()
  })
}

const live = process.stderr.isTTY === true && !process.env['CI']
const code = await runCli(process.argv.slice(2), processIo(), {
  signal: controller.signal,
  terminal: live ? { write: (text) => process.stderr.write(text) } : undefined,
})
// 128 + the signal's number, as a shell reports a process the signal ended.
process.exitCode = code === 130 && stoppedBy === 'SIGTERM' ? 143 : code
