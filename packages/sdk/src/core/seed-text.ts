import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'
import { seedToInteger, type Seed } from './seed.js'

/**
 * A seed typed as text (a command line, a query string), by one rule: digits are an integer seed;
 * text that JavaScript would read as a number, or as NaN or Infinity (`-1`, `1.5`, `1e3`, `0x10`,
 * ` 7`, `Infinity`, `NaN`), is refused as ambiguous; anything else is a string seed. `what` names
 * the value in messages (`--seed`).
 */
export function seedFromText(raw: string, what = 'seed'): Seed {
  if (/^\d+$/.test(raw)) {
    if (BigInt(raw) > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GanError(
        'ERR_INVALID_SEED',
        `${what} ${describeValue(raw)} is above 2^53 − 1: pass an integer in [0, 2^53 − 1] or a non-numeric string.`,
      )
    }
    return Number(raw)
  }
  if (raw.trim() !== '' && (!Number.isNaN(Number(raw)) || /^\s*[+-]?NaN\s*$/.test(raw))) {
    throw new GanError(
      'ERR_INVALID_SEED',
      `${what} ${describeValue(raw)} looks like a number but is not an integer in [0, 2^53 − 1]: pass digits only, or a string seed that does not read as a number.`,
    )
  }
  seedToInteger(raw) // rejects "" with the library's own message
  return raw
}
