import { ExportError } from '../errors.js'
import type { LayerSpec } from './topology.js'

/** Reject a layer configuration the converter does not handle, naming the layer and the fix. */
export function unsupported(layer: LayerSpec, what: string, fix: string): never {
  throw new ExportError('ERR_UNSUPPORTED_CONFIG', `${layer.className} layer "${layer.name}" ${what}; ${fix}.`)
}

/** A config entry that must be a positive integer. */
export function positiveInt(layer: LayerSpec, key: string): number {
  const v = layer.config[key]
  if (!Number.isInteger(v) || (v as number) < 1) unsupported(layer, `has ${key} ${JSON.stringify(v)}`, 'expected a positive integer')
  return v as number
}

/** A config entry holding one integer per spatial axis (`3` or `[3, 3]`), as [height, width]. */
export function intPair(layer: LayerSpec, key: string, fallback: number): [number, number] {
  const v = layer.config[key] ?? fallback
  const pair = Array.isArray(v) ? v : [v, v]
  if (pair.length !== 2 || !pair.every((x) => Number.isInteger(x) && x >= 0))
    unsupported(layer, `has ${key} ${JSON.stringify(v)}`, 'expected an integer or a pair of integers')
  return [pair[0] as number, pair[1] as number]
}

/** A config entry that must be a finite number. */
export function finite(layer: LayerSpec, key: string, fallback: number): number {
  const v = layer.config[key] ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v)) unsupported(layer, `has ${key} ${JSON.stringify(v)}`, 'expected a finite number')
  return v
}

/** A string config entry restricted to the values that convert. */
export function oneOf<T extends string>(layer: LayerSpec, key: string, allowed: readonly T[], fallback: T): T {
  const v = layer.config[key] ?? fallback
  if (!allowed.includes(v as T))
    unsupported(layer, `has ${key} ${JSON.stringify(v)}`, `only ${allowed.join(' or ')} convert${allowed.length === 1 ? 's' : ''}`)
  return v as T
}

/** `[[top, bottom], [left, right]]` from Keras's int / [sym_h, sym_w] / [[t, b], [l, r]] forms. */
export function edges(layer: LayerSpec, key: string): { top: number; bottom: number; left: number; right: number } {
  const v = layer.config[key]
  const int = (x: unknown) => Number.isInteger(x) && (x as number) >= 0
  if (int(v)) return { top: v as number, bottom: v as number, left: v as number, right: v as number }
  if (Array.isArray(v) && v.length === 2) {
    const [h, w] = v as unknown[]
    if (int(h) && int(w)) return { top: h as number, bottom: h as number, left: w as number, right: w as number }
    if (Array.isArray(h) && Array.isArray(w) && [...h, ...w].length === 4 && [...h, ...w].every(int)) {
      return { top: h[0] as number, bottom: h[1] as number, left: w[0] as number, right: w[1] as number }
    }
  }
  return unsupported(layer, `has ${key} ${JSON.stringify(v)}`, 'expected an integer, [h, w] or [[top, bottom], [left, right]]')
}
