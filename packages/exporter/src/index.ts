export { exportOnnx, type ExportResult } from './export.js'
export {
  resolveExportOptions,
  ENGINES,
  ROLES,
  FLOAT16_TOLERANCE,
  FLOAT32_TOLERANCE,
  type ExportOptions,
  type ResolvedExportOptions,
  type ContractOverrides,
  type Engine,
  type Role,
} from './options.js'
export type { ExportEvent } from './events.js'
export { ExportError, ParityError, isExportError, EXPORT_ERROR_CODES, type ExportErrorCode } from './errors.js'
export { SUPPORTED_LAYERS } from './convert/layers.js'
export { ACTIVATIONS } from './convert/activations.js'
export { INPUT_NAME, OUTPUT_NAME, LABEL_NAME, LOGIT_NAME } from './convert/model-analysis.js'
export type { DiscriminatorContract } from 'gan-sdk/core'
export { OPSET_VERSION } from './convert/onnx-graph.js'
export { VERIFY_LATENTS, verificationLatents } from './verify/verification-inputs.js'
