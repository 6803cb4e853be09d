import { describe, expect, it } from 'vitest'
import { errorOf } from '../testing/gan-error.js'
import { parseImport } from './plugin.js'

describe('gan: imports', () => {
  it('read the model and the bake options from the query', () => {
    expect(parseImport('mnist?seeds=0-7')).toEqual({ model: 'mnist', bakeOptions: { seeds: '0-7' } })
    expect(parseImport('/m/my.onnx?seeds=1;5;hero&format=webp&size=128&truncation=0.7&labels=cat,2')).toEqual({
      model: '/m/my.onnx',
      bakeOptions: { seeds: '1;5;hero', format: 'webp', size: 128, truncation: 0.7, labels: ['cat', 2] },
    })
  })

  it.each([
    ['mnist', 'gan:mnist names no seeds: add ?seeds=0-7'],
    ['mnist?seeds=1&colour=red', 'parameter "colour" is unknown: use seeds, labels, truncation, format, size, quality'],
    ['mnist?seeds=1&size=big', 'size="big" is not a number'],
  ])('%s → ERR_INVALID_OPTION', (spec, message) => {
    const err = errorOf(() => parseImport(spec))
    expect(err.code).toBe('ERR_INVALID_OPTION')
    expect(err.message).toContain(message)
  })
})
