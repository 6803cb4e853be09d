#!/usr/bin/env node
// The gan-train bin. All behaviour is in run-cli.ts, which tests drive in-process.
import { runCli } from './run-cli.js'

// Ctrl-C stops training after the current step, which is saved; a second Ctrl-C ends the process at once.
const controller = new AbortController()
process.once('SIGINT', () => controller.abort())

process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  },
  { signal: controller.signal, live: process.stdout.isTTY === true && !process.env['CI'] },
)
