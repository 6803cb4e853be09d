// The Node entry of gan-sdk: onnxruntime-node and the file system bound to the platform-free core.
export { Generator, generate } from './node/node-generator.js'
export { BUNDLED_MODEL_URL } from './bundled-model.js'
export { GanError, isGanError, ERROR_CODES, type GanErrorCode } from './core/errors.js'
export { GeneratedImage } from './core/image.js'
export type { LoadOptions } from './core/options.js'
export { seedToLatent, seedsToLatents, seedToInteger, type LatentOptions, type Seed } from './core/seed.js'
export type { ModelContract, LatentDistribution, Layout } from './core/model-contract.js'
export type { ModelSource } from './core/runtime.js'
