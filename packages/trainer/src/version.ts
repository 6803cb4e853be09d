import { readFileSync } from 'node:fs'

/** This package's version, for `gan-train --version`. Read at run time: src/ and dist/ both sit one level below package.json. */
export const TRAINER_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version
