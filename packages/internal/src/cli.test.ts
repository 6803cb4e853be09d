import { describe, expect, it } from 'vitest'
import { parseFlags, plainNumber, runCommand, UsageError, type ExitCode } from './cli.js'

class ToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`[tool] ${message}`)
  }
}

async function run(command: () => Promise<ExitCode | void>, json = false) {
  const stdout: string[] = []
  const stderr: string[] = []
  const status = await runCommand(command, {
    tool: 'tool',
    io: { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) },
    json,
    usageCodes: ['ERR_INVALID_OPTION'],
  })
  return { status, stdout, stderr }
}

describe('parseFlags', () => {
  const spec = { name: { type: 'string' }, json: { type: 'boolean' } } as const

  it('keeps values as typed', () => {
    expect(parseFlags(['--name', '007', '--json'], spec).values).toEqual({ name: '007', json: true })
    expect(parseFlags(['run', '--name=1e3'], spec, 1)).toMatchObject({ values: { name: '1e3' }, positionals: ['run'] })
  })

  it('turns unknown options, missing values and extra arguments into UsageErrors', () => {
    expect(() => parseFlags(['--nmae', 'x'], spec)).toThrow(UsageError)
    expect(() => parseFlags(['--name'], spec)).toThrow(new UsageError('--name needs a value'))
    expect(() => parseFlags(['a', 'b'], spec, 1)).toThrow(new UsageError('unexpected argument "b"'))
    expect(() => parseFlags(['a'], spec)).toThrow(new UsageError('unexpected argument "a"'))
    // With positionals allowed, node adds advice on dash-prefixed positionals: cut, it misleads.
    expect(() => parseFlags(['--x'], spec, 1)).toThrow(new UsageError("unknown option '--x'"))
    // A value starting with a dash reads as an option: one sentence that says how to pass it.
    expect(() => parseFlags(['--name', '-5'], spec)).toThrow(
      new UsageError('--name is followed by "-5", which reads as an option: give --name a value, or write --name=-5 if that is its value'),
    )
    expect(() => parseFlags(['--name', '--json'], spec)).toThrow(/^--name is followed by "--json", which reads as an option/)
    expect(parseFlags(['--name=-5'], spec).values).toEqual({ name: '-5' })
    expect(() => parseFlags(['--name', 'a', '--name', '-5'], spec)).toThrow(/^--name is followed by "-5"/)
  })

  it('refuses an option given twice (the last would quietly win), unless it is multiple', () => {
    expect(() => parseFlags(['--name', 'a', '--name=b'], spec)).toThrow(new UsageError('--name is given twice: pass it once'))
    expect(() => parseFlags(['--json', '--json'], spec)).toThrow(new UsageError('--json is given twice: pass it once'))
    const many = { tag: { type: 'string', multiple: true } } as const
    expect(parseFlags(['--tag', 'a', '--tag', 'b'], many).values).toEqual({ tag: ['a', 'b'] })
  })
})

describe('plainNumber', () => {
  it('reads digits, and decimals when not integer-only', () => {
    expect(['0', '42', '007'].map((r) => plainNumber(r, true))).toEqual([0, 42, 7])
    expect(['0.5', '.5', '5.', '2e-4', '1E3'].map((r) => plainNumber(r))).toEqual([0.5, 0.5, 5, 2e-4, 1000])
  })

  it('is NaN for what Number() would take but a user did not mean', () => {
    for (const raw of ['0x10', '1_000', 'Infinity', '', ' 1', '1 ', '-1', '+1', '0b1', '1e', 'NaN']) expect(plainNumber(raw)).toBeNaN()
    for (const raw of ['1.5', '1e3', '0x1']) expect(plainNumber(raw, true)).toBeNaN()
  })
})

describe('runCommand', () => {
  it('returns the command’s status, 0 by default', async () => {
    expect((await run(async () => {})).status).toBe(0)
    expect((await run(async () => 130)).status).toBe(130)
  })

  it('usage errors: one line naming --help, exit 2', async () => {
    const r = await run(async () => {
      throw new UsageError("unknown option '--x'")
    })
    expect(r).toEqual({ status: 2, stdout: [], stderr: ["[tool] unknown option '--x' (tool --help lists the options)."] })
  })

  it("a sub-command's usage errors name its own help", async () => {
    const lines: string[] = []
    const status = await runCommand(
      async () => {
        throw new UsageError('missing --seeds')
      },
      { tool: 'tool', help: 'tool bake --help', io: { stdout: () => {}, stderr: (l) => lines.push(l) } },
    )
    expect(status).toBe(2)
    expect(lines).toEqual(['[tool] missing --seeds (tool bake --help lists the options).'])
  })

  it('coded errors print their own message; usage codes exit 2, the rest 1', async () => {
    const bad = await run(async () => {
      throw new ToolError('ERR_INVALID_OPTION', '--steps "abc" is invalid')
    })
    expect(bad).toEqual({ status: 2, stdout: [], stderr: ['[tool] --steps "abc" is invalid'] })
    const failed = await run(async () => {
      throw new ToolError('ERR_WRITE', 'cannot write x:\n  EACCES')
    })
    expect(failed).toEqual({ status: 1, stdout: [], stderr: ['[tool] cannot write x: EACCES'] })
  })

  it('anything else is an unexpected error on one line, without a stack trace', async () => {
    const r = await run(async () => {
      throw Object.assign(new TypeError('boom'), { code: 'ERR_INVALID_ARG_TYPE' })
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toEqual(['[tool] unexpected error: boom. Please report it, with the command line.'])
  })

  it('with json, the failure is also an NDJSON error event', async () => {
    const r = await run(async () => {
      throw new ToolError('ERR_WRITE', 'no')
    }, true)
    expect(r.stdout.map((l) => JSON.parse(l))).toEqual([{ type: 'error', code: 'ERR_WRITE', message: '[tool] no' }])
  })
})
