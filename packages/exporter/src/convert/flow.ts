import type { Order } from './tensor-layout.js'

/**
 * The tensor flowing between converted layers, batch dimension left out. Images always run
 * channels-first inside the graph (ONNX Conv/ConvTranspose/BatchNormalization want NCHW); vectors
 * may hold their features in a different order than Keras would (see tensor-layout.ts), which
 * lets a Dense → Reshape → conv stack skip a Transpose by permuting the Dense weights instead.
 * A label is the int64 `[batch]` class-index input of a conditional model; only Embedding reads it.
 */
export type Flow =
  | {
      kind: 'vector'
      name: string
      size: number
      order: Order | undefined
      /** Keras shape `[1, size]` (an Embedding's output for one index); the ONNX tensor is `[batch, size]` all the same. */
      singleStep?: true
    }
  | { kind: 'image'; name: string; c: number; h: number; w: number }
  | { kind: 'label'; name: string }

export type Image = Extract<Flow, { kind: 'image' }>
export type Vector = Extract<Flow, { kind: 'vector' }>

/** Keras shape of a flow, for messages: `[100]`, `[1, 8]` or `[7, 7, 128]`. */
export function shapeOf(flow: Flow): string {
  if (flow.kind === 'label') return '[1] (class index)'
  if (flow.kind === 'vector') return flow.singleStep ? `[1, ${flow.size}]` : `[${flow.size}]`
  return `[${flow.h}, ${flow.w}, ${flow.c}]`
}
