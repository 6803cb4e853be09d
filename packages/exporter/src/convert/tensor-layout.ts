/**
 * Index bookkeeping between Keras's channels-last element order and the channels-first order the
 * ONNX graph runs in. An "order" maps each physical position of a feature vector to the Keras
 * (logical) feature it holds; undefined means the identity.
 */
export type Order = Int32Array

/** For [C, H, W] data flattened channels-first, the channels-last ([H, W, C]) index of each element. */
export function channelsFirstOrder(h: number, w: number, c: number): Order {
  const order = new Int32Array(h * w * c)
  let p = 0
  for (let ci = 0; ci < c; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++) order[p++] = (hi * w + wi) * c + ci
  return order
}

export function invert(order: Order): Order {
  const inverse = new Int32Array(order.length)
  order.forEach((logical, physical) => (inverse[logical] = physical))
  return inverse
}

export function isIdentity(order: Order | undefined): boolean {
  return order === undefined || order.every((v, i) => v === i)
}

/** `out[i] = values[indices[i]]`. */
export function gather(values: Float32Array, indices: Order): Float32Array {
  return Float32Array.from(indices, (i) => values[i]!)
}

/** Reorder the rows of a row-major [rows, cols] matrix: row i of the result is row `indices[i]`. */
export function gatherRows(matrix: Float32Array, cols: number, indices: Order): Float32Array {
  const out = new Float32Array(indices.length * cols)
  indices.forEach((row, i) => out.set(matrix.subarray(row * cols, (row + 1) * cols), i * cols))
  return out
}

/** Reorder the columns of a row-major [rows, cols] matrix: column j of the result is column `indices[j]`. */
export function gatherCols(matrix: Float32Array, cols: number, indices: Order): Float32Array {
  const rows = matrix.length / cols
  const out = new Float32Array(matrix.length)
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = matrix[r * cols + indices[j]!]!
  return out
}

/** Permute the axes of a row-major tensor (weights only: small, done once). */
export function permuteAxes(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!)
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1))
  const out = new Float32Array(data.length)
  const index = new Array<number>(shape.length).fill(0)
  for (let o = 0; o < out.length; o++) {
    let src = 0
    for (let d = 0; d < perm.length; d++) src += index[d]! * strides[perm[d]!]!
    out[o] = data[src]!
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break
      index[d] = 0
    }
  }
  return out
}
