import { ExportError } from '../errors.js'
import { unsupported } from '../read/layer-config.js'
import type { LayerSpec } from '../read/topology.js'
import { values, type Converter } from './converter.js'
import { shapeOf, type Flow, type Image, type Vector } from './flow.js'
import type { OnnxGraph } from './onnx-graph.js'
import { invert, isIdentity, type Order } from './tensor-layout.js'

function atLeastTwo(layer: LayerSpec, inputs: readonly Flow[]): Array<Vector | Image> {
  if (inputs.length < 2) {
    throw new ExportError(
      'ERR_UNSUPPORTED_TOPOLOGY',
      `${layer.className} layer "${layer.name}" takes ${inputs.length} input; a merge takes two or more.`,
    )
  }
  return inputs.map((x) => values(layer, x))
}

/**
 * The shape the inputs combine to: vectors of one shape, or images that broadcast as Keras's
 * merges do (each of height, width and channels the same or 1 in each input: a per-channel
 * `[1, 1, c]` scales `[h, w, c]` maps), as ONNX's elementwise ops broadcast the NCHW tensors.
 */
function mergedShape(layer: LayerSpec, xs: ReadonlyArray<Vector | Image>): Vector | Image {
  const shapes = xs.map(shapeOf)
  const fail = () =>
    unsupported(
      layer,
      `takes inputs of shapes ${shapes.join(', ')}`,
      'give the inputs one shape, or make them images whose sizes are each the same or 1 (Reshape a vector of c features to [1, 1, c])',
    )
  if (xs.every((x) => x.kind === 'image')) {
    const images = xs as Image[]
    const size = (k: 'c' | 'h' | 'w') => {
      const most = Math.max(...images.map((x) => x[k]))
      if (images.some((x) => x[k] !== most && x[k] !== 1)) fail()
      return most
    }
    return { kind: 'image', name: images[0]!.name, c: size('c'), h: size('h'), w: size('w') }
  }
  if (shapes.some((s) => s !== shapes[0])) fail()
  return xs[0]!
}

function sameOrder(a: Order | undefined, b: Order | undefined): boolean {
  if (isIdentity(a) || isIdentity(b)) return isIdentity(a) && isIdentity(b)
  return a!.every((v, i) => v === b![i])
}

/** The vectors in one physical order (the first's), so that position i holds the same Keras feature in each. */
function aligned(graph: OnnxGraph, layer: LayerSpec, xs: Vector[]): Vector[] {
  const target = xs[0]!.order
  return xs.map((x, i) => {
    if (i === 0 || sameOrder(x.order, target)) return x
    const physicalOf = x.order === undefined ? undefined : invert(x.order)
    const indices = Int32Array.from({ length: x.size }, (_, p) => {
      const logical = target === undefined ? p : target[p]!
      return physicalOf === undefined ? logical : physicalOf[logical]!
    })
    const name = graph.node('Gather', [x.name, graph.int64s(`${layer.name}/indices`, indices)], { axis: 1 }, layer.name)
    return { ...x, name, order: target }
  })
}

/** Inputs that combine (see {@link mergedShape}), vectors aligned to one order, and the shape they make: what elementwise merges and Dot combine. */
function elementwiseInputs(
  graph: OnnxGraph,
  layer: LayerSpec,
  inputs: readonly Flow[],
): { xs: Array<Vector | Image>; shape: Vector | Image } {
  const xs = atLeastTwo(layer, inputs)
  const shape = mergedShape(layer, xs)
  return { xs: xs[0]!.kind === 'vector' ? aligned(graph, layer, xs as Vector[]) : xs, shape }
}

/** Add, Multiply, Maximum, Minimum, Average (TF.js's elementwise merges): ONNX's elementwise op (binary ones chained). */
function elementwise(op: 'Add' | 'Mul' | 'Max' | 'Min' | 'Mean', binary: boolean): Converter {
  return (layer, inputs, { graph }) => {
    const { xs, shape } = elementwiseInputs(graph, layer, inputs)
    const name = binary
      ? xs.slice(1).reduce((acc, x) => graph.node(op, [acc, x.name], {}, layer.name), xs[0]!.name)
      : graph.node(
          op,
          xs.map((x) => x.name),
          {},
          layer.name,
        )
    return { ...shape, name }
  }
}

export const add = elementwise('Add', true)
export const multiply = elementwise('Mul', true)
export const maximum = elementwise('Max', false)
export const minimum = elementwise('Min', false)
export const average = elementwise('Mean', false)

/** Keras image axes (channels-last, batch 0) → the channels-first graph's. */
const IMAGE_AXIS: Record<number, number> = { 1: 2, 2: 3, 3: 1, [-3]: 2, [-2]: 3, [-1]: 1 }
const IMAGE_DIMENSION: Record<number, 'c' | 'h' | 'w'> = { 1: 'c', 2: 'h', 3: 'w' }

export const concatenate: Converter = (layer, inputs, { graph }) => {
  const xs = atLeastTwo(layer, inputs)
  const axis = layer.config['axis'] ?? -1
  const names = xs.map((x) => x.name)
  if (xs.every((x) => x.kind === 'image')) {
    const onnxAxis = IMAGE_AXIS[axis as number]
    if (onnxAxis === undefined) unsupported(layer, `has axis ${JSON.stringify(axis)}`, 'images concatenate along axis 1, 2, 3 or -1')
    const images = xs as Image[]
    const first = images[0]!
    const key = IMAGE_DIMENSION[onnxAxis!]!
    const others = (['c', 'h', 'w'] as const).filter((k) => k !== key)
    if (images.some((x) => others.some((k) => x[k] !== first[k])))
      unsupported(
        layer,
        `concatenates images of shapes ${images.map(shapeOf).join(', ')} along axis ${String(axis)}`,
        'the other axes must agree',
      )
    const size = images.reduce((n, x) => n + x[key], 0)
    return {
      kind: 'image',
      c: first.c,
      h: first.h,
      w: first.w,
      [key]: size,
      name: graph.node('Concat', names, { axis: onnxAxis! }, layer.name),
    }
  }
  if (!xs.every((x) => x.kind === 'vector'))
    unsupported(layer, `mixes images and vectors (${xs.map(shapeOf).join(', ')})`, 'Flatten the images first')
  const vectors = xs as Vector[]
  const singleStep = vectors[0]!.singleStep
  const lastAxis = singleStep ? 2 : 1
  if (vectors.some((x) => x.singleStep !== singleStep) || (axis !== -1 && axis !== lastAxis))
    unsupported(
      layer,
      `concatenates ${vectors.map(shapeOf).join(', ')} along axis ${JSON.stringify(axis)}`,
      'vectors concatenate along their last axis',
    )
  const size = vectors.reduce((n, x) => n + x.size, 0)
  let order: Order | undefined
  if (vectors.some((x) => x.order !== undefined)) {
    order = new Int32Array(size)
    let offset = 0
    for (const x of vectors) {
      for (let p = 0; p < x.size; p++) order[offset + p] = offset + (x.order === undefined ? p : x.order[p]!)
      offset += x.size
    }
  }
  return { kind: 'vector', name: graph.node('Concat', names, { axis: 1 }, layer.name), size, order, ...(singleStep ? { singleStep } : {}) }
}

/** Dot of two vectors over their features ([batch, n] · [batch, n] → [batch, 1]): a projection discriminator's class term. */
export const dot: Converter = (layer, inputs, { graph }) => {
  const axes = layer.config['axes']
  const pair = Array.isArray(axes) ? axes : [axes, axes]
  if (pair.length !== 2 || !pair.every((a) => a === 1 || a === -1))
    unsupported(layer, `has axes ${JSON.stringify(axes)}`, 'only the feature axis (1 or -1) converts')
  if (layer.config['normalize'] === true) unsupported(layer, 'has normalize true', 'only normalize false converts')
  const { xs } = elementwiseInputs(graph, layer, inputs)
  if (xs.length !== 2 || xs.some((x) => x.kind !== 'vector' || x.singleStep))
    unsupported(layer, `takes ${xs.map(shapeOf).join(', ')}`, 'Dot converts for two vectors [n]; Flatten them first')
  const product = graph.node('Mul', [xs[0]!.name, xs[1]!.name], {}, layer.name)
  const name = graph.node('ReduceSum', [product, graph.int64s(`${layer.name}/axes`, [1])], { keepdims: 1 }, layer.name)
  return { kind: 'vector', name, size: 1, order: undefined }
}
