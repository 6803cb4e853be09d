import { RUN_MANIFEST_FILE } from 'gan-sdk/core'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CHECKPOINTS_DIR } from './checkpoint.js'
import { TrainError } from './errors.js'
import { writeError } from './io/run-files.js'
import { METRICS_FILE } from './metrics.js'
import { RUN_CONFIG_FILE } from './run-config.js'
import { DISCRIMINATOR_DIR, GENERATOR_DIR } from './run-manifest.js'
import { SAMPLES_DIR } from './samples.js'

/** What a run writes in its directory; `force` deletes these and nothing else. */
export const RUN_ENTRIES: readonly string[] = [
  RUN_MANIFEST_FILE,
  RUN_CONFIG_FILE,
  METRICS_FILE,
  SAMPLES_DIR,
  CHECKPOINTS_DIR,
  GENERATOR_DIR,
  DISCRIMINATOR_DIR,
]

/**
 * Check that `outDir` can take a new run: it may be missing or empty; a non-empty one is refused
 * unless `force`. Resuming needs the run's gan.json and config.json. Nothing is deleted here: the
 * result names the old run's entries that `force` replaces, for `clearRunDir` once every other
 * check has passed, so a refused run leaves the old one whole.
 * @throws TrainError `ERR_RUN_EXISTS` for a non-empty directory without `force` or `resume`;
 *   `ERR_WRITE` for a file or a path under one; `ERR_RESUME` when `resume` finds no run.
 */
export async function checkRunDir(outDir: string, mode: { resume: boolean; force: boolean }): Promise<string[]> {
  const entries: string[] = await readdir(outDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []
    // A file, or a path under one: refused now, not at the first write after the images load.
    if (err.code === 'ENOTDIR' && !mode.resume) throw writeError(outDir, err)
    if (err.code === 'ENOTDIR') return []
    throw err
  })
  if (mode.resume) {
    const missing = [RUN_MANIFEST_FILE, RUN_CONFIG_FILE].filter((f) => !entries.includes(f))
    if (missing.length > 0) {
      throw new TrainError(
        'ERR_RESUME',
        `${JSON.stringify(outDir)} has no run to resume (${missing.join(' and ')} missing): pass the directory of a run this trainer started, or start a new run without --resume.`,
      )
    }
    return []
  }
  if (entries.length === 0) return []
  if (!mode.force) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '')
    throw new TrainError(
      'ERR_RUN_EXISTS',
      `${JSON.stringify(outDir)} is not empty (${shown}): pass --resume to continue the run there, --force to replace it, or another --out.`,
    )
  }
  return RUN_ENTRIES.filter((e) => entries.includes(e))
}

/** Delete the old run's entries that `checkRunDir` named (other files are left alone). */
export async function clearRunDir(outDir: string, entries: readonly string[]): Promise<void> {
  await Promise.all(entries.map((e) => rm(join(outDir, e), { recursive: true, force: true })))
}
