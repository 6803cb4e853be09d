#!/usr/bin/env node
// The `gan-sdk` bin. All behaviour is in cli/run-cli.ts, which tests drive in-process.
import { processIo } from '@gan-sdk/internal'
import { runCli } from './cli/run-cli.js'

const live = process.stderr.isTTY === true && !process.env['CI']
process.exitCode = await runCli(process.argv.slice(2), processIo(), {
  terminal: live ? { write: (text) => process.stderr.write(text) } : undefined,
})
