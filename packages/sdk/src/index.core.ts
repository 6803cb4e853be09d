// `gan-sdk/core`: the platform-free part of gan-sdk — the seed contract, the model contract, the
// run manifest, option parsing, value description and errors. It loads no runtime, native addon or
// file system, so tools that write models (the exporter, the trainer) and any JavaScript engine can
// import it. The platform entries (index.node.ts) add a runtime on top.
export { checkTruncation, seedToLatent, seedsToLatents, seedToInteger, type LatentOptions, type Seed } from './core/seed.js'
export {
  CONTRACT_VERSION,
  METADATA_KEYS,
  LATENT_DISTRIBUTIONS,
  LAYOUTS,
  contractToMetadata,
  discriminatorToMetadata,
  metadataToContract,
  parseRange,
  type ModelContract,
  type DiscriminatorContract,
  type LatentDistribution,
  type Layout,
} from './core/model-contract.js'
export {
  RUN_MANIFEST_FILE,
  RUN_MANIFEST_FORMAT,
  RUN_MANIFEST_VERSION,
  parseRunManifest,
  formatRunManifest,
  runManifestAtStep,
  checkpointStep,
  type RunManifest,
} from './core/run-manifest.js'
export { resolveLoadOptions, type LoadOptions } from './core/options.js'
export { describeValue } from './core/describe-value.js'
export { GeneratedImage, RgbaImage, grid, readProvenance, PROVENANCE_KEYWORD, type GridOptions, type Provenance } from './core/image.js'
export { DEVICES, type Device, type DeviceFallback, type RunDevice } from './core/devices.js'
export { SDK_VERSION } from './core/version.js'
export { weightsDigest } from './core/weights-digest.js'
export { GanError, isGanError, ERROR_CODES, type GanErrorCode } from './core/errors.js'
