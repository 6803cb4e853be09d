import { describe, expect, it } from 'vitest'
import { describeValue } from './describe-value.js'

describe('describeValue', () => {
  it.each([
    ['', '""'],
    [' 42', '" 42"'],
    [-0, '-0'],
    [Number.NaN, 'NaN'],
    [12n, '12n'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[1, 'a', Number.POSITIVE_INFINITY, [2]], '[1, "a", Infinity, […]]'],
    [{ a: 1 }, '{"a":1}'],
    [() => 1, 'a function'],
    [Symbol('s'), 'Symbol(s)'],
  ])('quotes %s as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected)
  })

  it('falls back to the type tag for values JSON cannot show, and cuts long ones', () => {
    const circular: Record<string, unknown> = {}
    circular['self'] = circular
    expect(describeValue(circular)).toBe('[object Object]')
    expect(describeValue('x'.repeat(500))).toBe(`"${'x'.repeat(58)}…`)
  })
})
