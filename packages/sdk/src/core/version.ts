import packageJson from '../../package.json'

/** This gan-sdk's version, as its package.json says (the build inlines it). */
export const SDK_VERSION: string = packageJson.version
