import { create, toBinary } from '@bufbuild/protobuf'
import { METADATA_KEYS, weightsDigest } from 'gan-sdk/core'
import { ModelProtoSchema, StringStringEntryProtoSchema, type ModelProto } from 'onnx-buf'
import type { ConvertedGraph } from './convert/convert.js'
import type { ModelShape } from './convert/model-analysis.js'
import { EXPORTER_VERSION } from './version.js'

/** What the model says about itself besides its graph. */
export interface ModelDescription {
  name: string
  description: string
  range: readonly [number, number]
  metadata: Record<string, string>
}

/** The converted graph as ONNX bytes; see {@link finishModel}. */
export function serializeModel(converted: ConvertedGraph, model: ModelDescription): Promise<Uint8Array> {
  const onnx = converted.graph.toModel({
    graphName: model.name,
    inputs: converted.inputs,
    outputs: [converted.output],
    producerVersion: EXPORTER_VERSION,
    docString: '',
  })
  return finishModel(onnx, converted, model)
}

/**
 * A model as ONNX bytes, with the contract in metadata_props plus `gan.weights_sha256` over the
 * initializers as stored (float16 ones included), the exporter as producer, and a doc_string that
 * describes the inputs and output for readers of the file.
 */
export async function finishModel(onnx: ModelProto, shape: ModelShape, model: ModelDescription): Promise<Uint8Array> {
  onnx.producerName = 'gan-sdk-exporter'
  onnx.producerVersion = EXPORTER_VERSION
  onnx.graph!.name = model.name
  onnx.docString = [model.description, summary(shape, model)].filter((part) => part !== '').join(' ')
  const digest = await weightsDigest(onnx.graph!.initializer)
  onnx.metadataProps = Object.entries({ ...model.metadata, [METADATA_KEYS.weightsSha256]: digest }).map(([key, value]) =>
    create(StringStringEntryProtoSchema, { key, value }),
  )
  return toBinary(ModelProtoSchema, onnx)
}

function summary({ role, inputs, output, classes }: ModelShape, { range }: ModelDescription): string {
  const [main, label] = inputs
  const shape = (dims: readonly number[]) => `[batch, ${dims.join(', ')}]`
  const labelText = label === undefined ? '' : ` and "${label.name}" [batch] (int64 class index, 0…${classes! - 1})`
  const bounds = `[${range.join(', ')}]`
  if (role === 'generator') {
    return `Input "${main!.name}" ${shape(main!.dims)}${labelText}, output "${output.name}" ${shape(output.dims)} (NHWC) in ${bounds}; contract in metadata_props (gan.*).`
  }
  return `Input "${main!.name}" ${shape(main!.dims)} (NHWC) in ${bounds}${labelText}, output "${output.name}" ${shape(output.dims)} (a logit, real > 0); contract in metadata_props (gan.*).`
}
