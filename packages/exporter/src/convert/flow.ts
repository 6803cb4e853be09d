import type { Order } from './tensor-layout.js'

/**
 * The tensor flowing between converted layers, batch dimension left out. Images always run
 * channels-first inside the graph (ONNX Conv/ConvTranspose/BatchNormalization want NCHW); vectors
 * may hold their features in a different order than Keras would (see tensor-layout.ts), which
 * lets a Dense → Reshape → conv stack skip a Transpose by permuting the Dense weights instead.
 */
export type Flow =
  | { kind: 'vector'; name: string; size: number; order: Order | undefined }
  | { kind: 'image'; name: string; c: number; h: number; w: number }

/** Keras shape of a flow, for messages: `[100]` or `[7, 7, 128]`. */
export function shapeOf(flow: Flow): string {
  return flow.kind === 'vector' ? `[${flow.size}]` : `[${flow.h}, ${flow.w}, ${flow.c}]`
}
