import { version } from '../../package.json'

/** This gan-sdk's version, as its package.json says (the build inlines only this field). */
export const SDK_VERSION: string = version
