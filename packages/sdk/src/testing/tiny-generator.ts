import { create, toBinary } from '@bufbuild/protobuf'
import { ModelProtoSchema, TensorProto_DataType } from 'onnx-buf'
import { contractToMetadata, type ModelContract } from '../core/model-contract.js'

/** What to build; every field has a small default. */
export interface TinyGeneratorSpec {
  latentSize?: number
  width?: number
  height?: number
  channels?: number
  layout?: 'NHWC' | 'NCHW'
  /** 2: `[N, z]`; 4: `[N, z, 1, 1]` (PyTorch DCGAN style). */
  inputRank?: 2 | 4
  /** A fixed batch size, as `torch.onnx.export` writes without `dynamic_axes`; by default a symbolic `N`. */
  batch?: number
  /** `false`: no `gan.*` metadata (a foreign model); otherwise fields overriding the matching metadata. */
  metadata?: Partial<ModelContract> | false
  /** Class names: a conditional model, whose int64 `label` input adds a per-class vector to the latent. */
  labels?: string[]
}

/**
 * A tiny generator ONNX built in memory for tests: latent → MatMul → Reshape → Tanh. Pixel values
 * depend on the latent, so different seeds give different images. A conditional one first adds row
 * `label` of a class table to the latent (Gather + Add), so classes give different images too.
 */
export function tinyGenerator(spec: TinyGeneratorSpec = {}): Uint8Array {
  const { latentSize = 8, width = 4, height = 3, channels = 1, layout = 'NHWC', inputRank = 2, batch = 'N' } = spec
  const pixels = width * height * channels
  const weights = Array.from({ length: latentSize * pixels }, (_, i) => ((i * 7919) % 101) / 101 - 0.5)
  const outDims = layout === 'NHWC' ? [height, width, channels] : [channels, height, width]
  const dim = (d: number | string) => ({
    value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d },
  })
  const tensorType = (dims: Array<number | string>) => ({
    value: { case: 'tensorType' as const, value: { elemType: TensorProto_DataType.FLOAT, shape: { dim: dims.map(dim) } } },
  })
  const int64 = (name: string, values: number[]) => ({
    name,
    dims: [BigInt(values.length)],
    dataType: TensorProto_DataType.INT64,
    int64Data: values.map(BigInt),
  })
  const flatten = inputRank === 4
  const { labels } = spec
  const conditional = labels !== undefined
  const metadata =
    spec.metadata === false
      ? {}
      : contractToMetadata({
          latentSize,
          latentDistribution: 'normal',
          inputName: 'latent',
          outputName: 'image',
          layout,
          range: [-1, 1],
          width,
          height,
          channels: channels as 1 | 3 | 4,
          labels: labels ?? [],
          ...(conditional ? { labelInput: 'label' } : {}),
          license: 'CC0-1.0',
          name: 'tiny',
          description: 'test fixture',
          ...spec.metadata,
        })
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [{ domain: '', version: 17n }],
    producerName: 'gan-sdk-tests',
    graph: {
      name: 'tiny',
      node: [
        ...(flatten ? [{ opType: 'Reshape', input: ['latent', 'flat_shape'], output: ['flat_latent'] }] : []),
        ...(conditional
          ? [
              { opType: 'Gather', input: ['classes', 'label'], output: ['class_z'] },
              { opType: 'Add', input: ['latent', 'class_z'], output: ['cond'] },
            ]
          : []),
        { opType: 'MatMul', input: [flatten ? 'flat_latent' : conditional ? 'cond' : 'latent', 'w'], output: ['mm'] },
        { opType: 'Reshape', input: ['mm', 'image_shape'], output: ['pre'] },
        { opType: 'Tanh', input: ['pre'], output: ['image'] },
      ],
      initializer: [
        { name: 'w', dims: [BigInt(latentSize), BigInt(pixels)], dataType: TensorProto_DataType.FLOAT, floatData: weights },
        int64('image_shape', [-1, ...outDims]),
        ...(flatten ? [int64('flat_shape', [-1, latentSize])] : []),
        ...(conditional
          ? [
              {
                name: 'classes',
                dims: [BigInt(labels.length), BigInt(latentSize)],
                dataType: TensorProto_DataType.FLOAT,
                floatData: Array.from({ length: labels.length * latentSize }, (_, i) => Math.floor(i / latentSize) * 1.5 - 1),
              },
            ]
          : []),
      ],
      input: [
        { name: 'latent', type: tensorType(inputRank === 4 ? [batch, latentSize, 1, 1] : [batch, latentSize]) },
        ...(conditional
          ? [
              {
                name: 'label',
                type: {
                  value: { case: 'tensorType' as const, value: { elemType: TensorProto_DataType.INT64, shape: { dim: [dim(batch)] } } },
                },
              },
            ]
          : []),
      ],
      output: [{ name: 'image', type: tensorType([batch, ...outDims]) }],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  })
  return toBinary(ModelProtoSchema, model)
}
