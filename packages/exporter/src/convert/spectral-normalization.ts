import { ExportError } from '../errors.js'
import { unsupported } from '../read/layer-config.js'
import type { LayerSpec } from '../read/topology.js'
import { conv2d } from './conv-layers.js'
import type { Converter } from './converter.js'
import { dense } from './core-layers.js'
import { embedding } from './embedding.js'

/** Layers a SpectralNormalization wrapper may hold: those whose weight matrix's last axis is the output. */
const WRAPPABLE: Record<string, Converter> = { Dense: dense, Conv2D: conv2d, Embedding: embedding }
/** The weight matrix each wrappable layer names: what σ divides. */
const MATRICES = new Set(['kernel', 'embeddings'])

/** The layer a SpectralNormalization wrapper holds (`config.layer = { class_name, config }`), named as the wrapper. */
export function wrappedLayer(layer: LayerSpec): LayerSpec {
  const inner = layer.config['layer'] as { class_name?: unknown; className?: unknown; config?: unknown } | undefined
  const className = inner?.class_name ?? inner?.className
  if (typeof className !== 'string' || inner?.config === null || typeof inner?.config !== 'object')
    unsupported(
      layer,
      'has no wrapped layer (config.layer = { class_name, config })',
      'save the model with the wrapped layer in its config',
    )
  return { className, name: layer.name, config: inner.config as Record<string, unknown> }
}

/**
 * The largest singular value σ of a kernel, as the wrapper's forward pass estimates it: one power
 * iteration from the stored `u` ([1, out]) on W reshaped to [out, rest] (rest = in·kh·kw; the
 * kernel is row-major with `out` last): v = l2norm(Wᵀu), u' = l2norm(W v), σ = u'ᵀ W v. In float64.
 */
export function spectralNorm(kernel: Float32Array, out: number, u: Float32Array): number {
  const rest = kernel.length / out
  const v = new Float64Array(rest)
  for (let j = 0; j < rest; j++) {
    let sum = 0
    for (let o = 0; o < out; o++) sum += kernel[j * out + o]! * u[o]!
    v[j] = sum
  }
  l2normalize(v)
  const wv = new Float64Array(out)
  for (let j = 0; j < rest; j++) for (let o = 0; o < out; o++) wv[o]! += kernel[j * out + o]! * v[j]!
  const next = Float64Array.from(wv)
  l2normalize(next)
  return next.reduce((sum, x, o) => sum + x * wv[o]!, 0)
}

/** x / sqrt(max(Σx², 1e-12)), TF's l2_normalize. */
function l2normalize(x: Float64Array): void {
  const norm = Math.sqrt(
    Math.max(
      x.reduce((s, v) => s + v * v, 0),
      1e-12,
    ),
  )
  for (let i = 0; i < x.length; i++) x[i]! /= norm
}

/**
 * SpectralNormalization(Dense | Conv2D | Embedding): the wrapped layer with its kernel (an
 * Embedding's table) divided by σ, folded into the exported weights. The wrapper's weights are the
 * wrapped layer's own (`kernel`, `bias`; `embeddings`) then `u`, stored as `<wrapper>/<name>` (or
 * `<wrapper>/<wrapped>/<name>`).
 */
export const spectralNormalization: Converter = (layer, inputs, ctx) => {
  const inner = wrappedLayer(layer)
  const convert = WRAPPABLE[inner.className]
  if (convert === undefined)
    unsupported(layer, `wraps a ${inner.className}`, `SpectralNormalization converts around ${Object.keys(WRAPPABLE).join(' or ')}`)
  const innerName = String(inner.config['name'] ?? '')
  const key = (k: string) => (!ctx.hasWeight(k) && innerName !== '' && ctx.hasWeight(`${innerName}/${k}`) ? `${innerName}/${k}` : k)
  const weight = (k: string, shape: readonly number[]): Float32Array => {
    const w = ctx.weight(key(k), shape)
    if (!MATRICES.has(k)) return w
    const out = shape[shape.length - 1]!
    const sigma = spectralNorm(w, out, ctx.weight(key('u'), [1, out]))
    if (!Number.isFinite(sigma) || sigma <= 0) {
      throw new ExportError(
        'ERR_INVALID_WEIGHTS',
        `SpectralNormalization layer "${layer.name}" has σ = ${sigma} from its kernel and u: the kernel cannot be normalised. Its weights are broken (all zero?); retrain or restore a checkpoint.`,
      )
    }
    return w.map((x) => x / sigma)
  }
  return convert(inner, inputs, { ...ctx, weight })
}
