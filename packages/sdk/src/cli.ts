#!/usr/bin/env node
// The `gan-sdk` bin. All behaviour is in cli/run-cli.ts, which tests drive in-process.
import { runCli } from './cli/run-cli.js'

const live = process.stderr.isTTY === true && !process.env['CI']
process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  },
  { terminal: live ? { write: (text) => process.stderr.write(text) } : undefined },
)
