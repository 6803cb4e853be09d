#!/usr/bin/env node
// The gan-export bin. All behaviour lives in run-cli.ts, which tests drive in-process.
import { processIo } from '@gan-sdk/internal'
import { runCli } from './run-cli.js'

process.exitCode = await runCli(process.argv.slice(2), processIo())
