// Chores that gan-sdk, @gan-sdk/trainer and @gan-sdk/exporter share in Node. Bundled into each of
// them by tsup (noExternal), so this package is never installed on its own.
export {
  linkFileAtomic,
  linkFileAtomicSync,
  removeStaleTempFiles,
  TEMP_HOST_TAG,
  writeFileAtomic,
  writeFileAtomicSync,
  writeFileOnceSync,
  type WriteFileAtomicOptions,
} from './atomic-write.js'
export { readLayersModelFiles, writeLayersModelFiles, LayersModelFilesError, MODEL_JSON, WEIGHTS_BIN } from './layers-model-files.js'
export {
  parseFlags,
  plainNumber,
  processIo,
  runCommand,
  shellWord,
  UsageError,
  type CliIo,
  type ExitCode,
  type RunCommandOptions,
} from './cli.js'
export { createLiveLine, formatDuration, type LiveLine, type Terminal } from './live-line.js'
