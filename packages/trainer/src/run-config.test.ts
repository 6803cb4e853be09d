import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRunConfig, resumeOptions, RUN_CONFIG_FILE } from './run-config.js'

describe('readRunConfig', () => {
  it('throws ERR_RUN_CONFIG for a missing, non-JSON or foreign config.json, and resume says it has no run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-run-config-'))
    const path = join(dir, RUN_CONFIG_FILE)
    await expect(readRunConfig(dir)).rejects.toMatchObject({
      code: 'ERR_RUN_CONFIG',
      cause: { code: 'ENOENT' },
      message: `[gan-train] cannot read ${JSON.stringify(path)} (ENOENT): pass the outDir of a train() run.`,
    })
    await expect(resumeOptions({ outDir: dir, resume: true })).rejects.toMatchObject({
      code: 'ERR_RESUME',
      message: expect.stringContaining(`${JSON.stringify(dir)} has no run to resume (config.json missing)`),
    })
    await writeFile(path, '{"format": "gan-train-config", ')
    await expect(readRunConfig(dir)).rejects.toMatchObject({
      code: 'ERR_RUN_CONFIG',
      message: expect.stringMatching(/is not JSON \(.*\): it was not written by gan-train, or was cut short\.$/),
    })
    await writeFile(path, JSON.stringify({ format: 'gan-train-config', version: 2 }))
    const foreign = `${JSON.stringify(path)} is not a gan-train gan-train-config version 1: this trainer cannot read it.`
    await expect(readRunConfig(dir)).rejects.toMatchObject({ code: 'ERR_RUN_CONFIG', message: `[gan-train] ${foreign}` })
    await expect(resumeOptions({ outDir: dir, resume: true })).rejects.toMatchObject({
      code: 'ERR_RESUME',
      message: `[gan-train] cannot resume ${JSON.stringify(dir)}: ${foreign}`,
    })
  })
})
