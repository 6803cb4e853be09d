// `gan-sdk/bake` (Node only): generate images at build time — content-addressed, resumable, sharded.
export {
  bake,
  resolveBakeOptions,
  BAKE_SESSION_OPTIONS,
  type BakeOptions,
  type BakeEvent,
  type BakeReason,
  type BakedImage,
  type BakeResult,
} from './bake/bake.js'
export { mergeBakes, type MergeResult } from './bake/merge.js'
export { parseSeedSpec, parseShard, type Shard } from './bake/seed-spec.js'
export { BAKE_FORMATS, DEFAULT_BAKE_CONCURRENCY, type BakeFormat } from './bake/encode.js'
export { BAKE_MANIFEST_FORMAT, type BakeManifest, type BakedImageEntry } from './bake/manifest.js'
