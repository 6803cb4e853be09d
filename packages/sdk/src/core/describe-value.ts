const MAX_LENGTH = 60

/**
 * A bad value as error messages quote it: strings in JSON quotes (so `""` and `" 42"` are visible),
 * bigints with their `n`, arrays element by element (JSON would show Infinity as null), other
 * objects as JSON. Long values are cut, since messages end up in logs.
 */
export function describeValue(value: unknown): string {
  const text = Array.isArray(value) ? `[${value.map((v) => (Array.isArray(v) ? '[…]' : describeValue(v))).join(', ')}]` : scalarText(value)
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object' && value !== null) return objectText(value)
  return Object.is(value, -0) ? '-0' : String(value)
}

function objectText(value: object): string {
  try {
    const json = JSON.stringify(value)
    if (json !== undefined) return json
  } catch {
    // Circular or with a throwing toJSON: fall through to the type tag.
  }
  return Object.prototype.toString.call(value)
}
