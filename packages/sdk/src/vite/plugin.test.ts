import { describe, expect, it } from 'vitest'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorOf, rejectionOf } from '../testing/gan-error.js'
import ganSdk, { parseImport } from './plugin.js'

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
    ['mnist?seeds=0-1&seeds=9', 'parameter "seeds" is given twice'],
  ])('%s → ERR_INVALID_OPTION', (spec, message) => {
    const err = errorOf(() => parseImport(spec))
    expect(err.code).toBe('ERR_INVALID_OPTION')
    expect(err.message).toContain(message)
  })
})

describe('ganSdk()', () => {
  it.each([
    [{ cachDir: 'x' }, 'ganSdk(): option "cachDir" is unknown: use cacheDir.'],
    [{ cacheDir: 5 }, 'ganSdk(): cacheDir 5 is not a directory path'],
    ['x', 'ganSdk() takes an options object'],
  ])('refuses %j with ERR_INVALID_OPTION, at once', (options, message) => {
    const err = errorOf(() => ganSdk(options as never))
    expect(err.code).toBe('ERR_INVALID_OPTION')
    expect(err.message).toContain(message)
  })

  it('names the import whose bake failed: a page may have many', async () => {
    const plugin = ganSdk({ cacheDir: await mkdtemp(join(tmpdir(), 'gan-vite-')) })
    type Hook = (this: unknown, ...args: unknown[]) => unknown
    ;(plugin.configResolved as Hook)({ root: tmpdir(), command: 'build' })
    const id = (plugin.resolveId as Hook)('gan:mnist?seeds=1&labels=cat', undefined) as string
    const err = await rejectionOf(Promise.resolve((plugin.load as Hook).call({}, id)))
    expect(err.code).toBe('ERR_INVALID_LABEL')
    expect(err.message).toMatch(/^\[gan-sdk\] gan:mnist\?seeds=1&labels=cat: label "cat" is not a class of this model/)
    expect(err.cause).toBeUndefined() // Vite prints a cause's stack, and its causes', under the message

    // A relative model: the import as written in the page's code, not the resolved path.
    const relative = (plugin.resolveId as Hook)('gan:./missing.onnx?seeds=1', join(tmpdir(), 'src', 'main.js')) as string
    expect((await rejectionOf(Promise.resolve((plugin.load as Hook).call({}, relative)))).message).toMatch(
      /^\[gan-sdk\] gan:\.\/missing\.onnx\?seeds=1: model file ".*missing\.onnx" does not exist/,
    )
  })
})
