import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import { dispose, wasmOp } from './wasm-ops.js'
import type { Backend } from './wasm-ops.js'

/** The attributes of a Conv2DBackpropInput kernel call. */
export interface BackpropInputAttrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  inputShape: [number, number, number, number]
}

/** The geometry of the conv whose input gradient a Conv2DBackpropInput call computes (NHWC). */
export function backpropInputInfo(attrs: BackpropInputAttrs, filter: TensorInfo): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  )
}

/**
 * A faster `Conv2DBackpropInput` for the wasm backend (the op behind Conv2DTranspose and every
 * conv's input gradient), by sub-pixel decomposition. With t = ih + pT = s·u + a:
 *
 *   dx[ih] = Σ_m dy[u − m] · W[s·m + a]
 *
 * so each output phase a ∈ [0, s) is a stride-1 correlation of dy with a flipped sub-kernel. All
 * s² phases share one XNNPACK Conv2D (phases stacked as output channels), then a Transpose
 * interleaves them and a Slice removes the padding. The stock kernel is ~8× slower than Conv2D at
 * equal FLOPs; `fallback` still serves the cases this does not cover (unequal strides, NCHW).
 */
export function createConv2dBackpropInputWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo }
    const backend = args.backend as Backend
    const attrs = args.attrs as unknown as BackpropInputAttrs
    const info = backpropInputInfo(attrs, filter)
    if (attrs.dataFormat === 'NCHW' || info.strideHeight !== info.strideWidth) return fallback(args)

    const s = info.strideHeight
    const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info
    const [batch, h, w] = attrs.inputShape
    const { top, left } = info.padInfo
    const mh = Math.ceil(kh / s)
    const mw = Math.ceil(kw / s)
    const [, oh, ow] = dy.shape as [number, number, number, number]
    // Output rows u of the phase conv must reach floor((h − 1 + pT) / s).
    const bottom = Math.max(0, Math.floor((h - 1 + top) / s) + 1 - oh)
    const right = Math.max(0, Math.floor((w - 1 + left) / s) + 1 - ow)

    const K = phaseKernel(backend.readSync(filter.dataId) as Float32Array, kh, kw, ci, co, s, mh, mw)
    const exact = exactPhases(backend, dy, K, { s, h, w, ci, co, mh, mw, top, left })
    if (exact) return exact
    const kernel = backend.makeOutput([mh, mw, co, s * s * ci], 'float32', undefined, K)
    const padded = wasmOp(
      backend,
      'PadV2',
      { x: dy },
      {
        paddings: [
          [0, 0],
          [mh - 1, bottom],
          [mw - 1, right],
          [0, 0],
        ],
        constantValue: 0,
      },
    )
    const phases = wasmOp(
      backend,
      'Conv2D',
      { x: padded, filter: kernel },
      { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
    )
    const [, u, v] = phases.shape as [number, number, number, number]
    // Interleave the phases: [B·U, V, s, s·ci] → [B·U, s, V, s·ci] is [B, U·s, V·s, ci] in memory, i.e.
    // DepthToSpace (TF's DCR order), but the stock wasm DepthToSpace is ~80× slower than Transpose.
    const grouped = wasmOp(backend, 'Reshape', { x: phases }, { shape: [batch * u, v, s, s * ci] })
    const interleaved = wasmOp(backend, 'Transpose', { x: grouped }, { perm: [0, 2, 1, 3] })
    const full = wasmOp(backend, 'Reshape', { x: interleaved }, { shape: [batch, u * s, v * s, ci] })
    const dx = wasmOp(backend, 'Slice', { x: full }, { begin: [0, top, left, 0], size: [batch, h, w, ci] })
    // Reshape shares its input's buffer and bumps its refCount, so each view is released once too.
    dispose(backend, kernel, padded, phases, grouped, interleaved, full)
    return dx
  }
}

interface PhaseGeometry {
  s: number
  h: number
  w: number
  ci: number
  co: number
  mh: number
  mw: number
  top: number
  left: number
}

/**
 * The phases as s² convolutions with exactly the output they need, when the output divides by s
 * and each phase's padding is ≥ 0 (else `undefined`): the single conv over all phases pads every
 * phase alike and computes a row and a column too many for some (8×8 outputs for 7×7 needed at a
 * 14×14 layer: 31 % more work). Output row s·r + p comes from phase a = (p + top) mod s at
 * u = r + q, q = floor((p + top) / s), i.e. a stride-1 correlation of dy, padded by mh − 1 − q above,
 * with the phase's flipped sub-kernel. Phases are concatenated in (row, column) parity order, so
 * the interleave needs no slice.
 */
function exactPhases(backend: Backend, dy: TensorInfo, K: Float32Array, g: PhaseGeometry): TensorInfo | undefined {
  const { s, h, w, ci, co, mh, mw, top, left } = g
  const [batch, oh, ow] = dy.shape as [number, number, number, number]
  if (h % s !== 0 || w % s !== 0) return undefined
  const along = (p: number, start: number, m: number, size: number, out: number) => {
    const q = Math.floor((p + start) / s)
    return { phase: (p + start) % s, before: m - 1 - q, after: size / s + q - out }
  }
  const rows = Array.from({ length: s }, (_, p) => along(p, top, mh, h, oh))
  const cols = Array.from({ length: s }, (_, p) => along(p, left, mw, w, ow))
  if ([...rows, ...cols].some((a) => a.before < 0 || a.after < 0)) return undefined
  const depth = s * s * ci
  const parts: TensorInfo[] = []
  const filters: TensorInfo[] = []
  for (const r of rows) {
    for (const c of cols) {
      // The phase's slice of K: K[j, l, o, (ah·s + aw)·ci + c].
      const sub = new Float32Array(mh * mw * co * ci)
      const phase = (r.phase * s + c.phase) * ci
      for (let i = 0; i < mh * mw * co; i++) sub.set(K.subarray(i * depth + phase, i * depth + phase + ci), i * ci)
      const filter = backend.makeOutput([mh, mw, co, ci], 'float32', undefined, sub)
      filters.push(filter)
      const pad = [
        [0, 0],
        [r.before, r.after],
        [c.before, c.after],
        [0, 0],
      ]
      parts.push(wasmOp(backend, 'Conv2D', { x: dy, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] } as never))
    }
  }
  // Concat takes its inputs as an array.
  const phases = wasmOp(backend, 'Concat', parts as unknown as Record<string, TensorInfo>, { axis: 3 })
  const [u, v] = [h / s, w / s]
  const grouped = wasmOp(backend, 'Reshape', { x: phases }, { shape: [batch * u, v, s, s * ci] })
  const interleaved = wasmOp(backend, 'Transpose', { x: grouped }, { perm: [0, 2, 1, 3] })
  const dx = wasmOp(backend, 'Reshape', { x: interleaved }, { shape: [batch, h, w, ci] })
  dispose(backend, ...filters, ...parts, phases, grouped, interleaved)
  return dx
}

/**
 * K[j, l, co, (ah·s + aw)·ci + c] = W[s·(mh−1−j) + ah, s·(mw−1−l) + aw, c, co], zero past the kernel.
 * Built in JS: W is small next to the activations, and this keeps the whole op one wasm Conv2D.
 */
function phaseKernel(W: Float32Array, kh: number, kw: number, ci: number, co: number, s: number, mh: number, mw: number): Float32Array {
  const depth = s * s * ci
  const K = new Float32Array(mh * mw * co * depth)
  for (let j = 0; j < mh; j++) {
    for (let l = 0; l < mw; l++) {
      for (let ah = 0; ah < s; ah++) {
        const y = s * (mh - 1 - j) + ah
        if (y >= kh) continue
        for (let aw = 0; aw < s; aw++) {
          const x = s * (mw - 1 - l) + aw
          if (x >= kw) continue
          const src = (y * kw + x) * ci * co
          const phase = (ah * s + aw) * ci
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < co; o++) {
              K[((j * mw + l) * co + o) * depth + phase + c] = W[src + c * co + o]!
            }
          }
        }
      }
    }
  }
  return K
}
