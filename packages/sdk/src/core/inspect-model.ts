// What load() learns from a model's ONNX bytes: its contract and the check of its weights. The
// generator imports this module on demand, so the protobuf reader and the ONNX schema (the largest
// part of the SDK to start) load only when a model has to be read, not for a bundled model whose
// contract the build recorded (known-model.ts).
import { modelInfoOf, parseModelProto, type ModelInfo } from './model-info.js'
import type { LoadOptions } from './options.js'
import { checkWeights } from './weights-digest.js'

/**
 * The model's contract (with the load options on top), and its weights checked against
 * `gan.weights_sha256`: `integrity` settles later, so the check can run while a session is built.
 */
export function inspectModel(
  bytes: Uint8Array,
  options: LoadOptions,
  label: string | undefined,
): { model: ModelInfo; integrity: Promise<void> } {
  const proto = parseModelProto(bytes, label)
  return { model: modelInfoOf(proto, options, label), integrity: checkWeights(proto, label ?? 'the model') }
}
