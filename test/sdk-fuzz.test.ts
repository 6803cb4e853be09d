import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('fuzz/corrupt-and-load.mjs', import.meta.url))
const CASES = 500
const CHUNK = 125
/** A case that prints nothing for this long is a hang. */
const HANG_MS = 20_000

type Outcome = { n: number; kind: string; outcome: string }

/** Runs cases [first, last) in child processes; a crash or a hang is that case's outcome, and the rest go on in a new child. */
async function runCases(variant: 'checksum' | 'bare', first: number, last: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let next = first
  while (next < last) {
    const child = spawn(process.execPath, [CHILD, String(next), String(last), variant], { stdio: ['ignore', 'pipe', 'ignore'] })
    let current: { n: number; kind: string } | undefined
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS)
    }
    arm()
    let hung = false
    child.once('exit', (_code, signal) => (hung = signal === 'SIGKILL'))
    for await (const line of createInterface({ input: child.stdout })) {
      arm()
      const event = JSON.parse(line) as { n: number; kind: string; state: string; outcome?: string }
      if (event.state === 'start') current = event
      else {
        outcomes.push({ n: event.n, kind: event.kind, outcome: event.outcome! })
        current = undefined
        next = event.n + 1
      }
    }
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve([child.exitCode, child.signalCode])
      else child.once('exit', (c, s) => resolve([c, s]))
    })
    clearTimeout(timer)
    if (current !== undefined) {
      outcomes.push({ ...current, outcome: hung ? 'hang' : `crash (exit ${code}, signal ${signal})` })
      next = current.n + 1
    } else if (next < last) {
      throw new Error(`the fuzz child stopped before case ${next} (exit ${code}, signal ${signal})`)
    }
  }
  return outcomes
}

// 500 seeded corruptions of the bundled model (bit flips, truncations, insertions, zeroed ranges),
// each loaded and run in a child process: every case must be a working generator or a GanError
// with a code — never a crash, a hang, or a raw onnxruntime error.
// The same corruptions of the model without its weights checksum reach onnxruntime itself.
describe('corrupted models (fuzz)', () => {
  it.each([
    ['the bundled model', 'checksum'],
    ['the bundled model without gan.weights_sha256', 'bare'],
  ] as const)(
    `${CASES} corruptions of %s: each loads and runs, or fails with a GanError code`,
    { timeout: 600_000 },
    async (what, variant) => {
      const chunks = Array.from({ length: CASES / CHUNK }, (_, i) => runCases(variant, i * CHUNK, (i + 1) * CHUNK))
      const outcomes = (await Promise.all(chunks)).flat()
      expect(outcomes.map((o) => o.n).sort((a, b) => a - b)).toEqual(Array.from({ length: CASES }, (_, i) => i))
      const counts: Record<string, number> = {}
      for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1
      console.log(`fuzz: ${CASES} corruptions of ${what}:`, counts)
      const bad = outcomes.filter((o) => !/^(same images|different images|ERR_[A-Z_]+)$/.test(o.outcome))
      expect(bad).toEqual([])
    },
  )
})
