// Types of `gan:` imports for projects that use the gan-sdk Vite plugin (gan-sdk/vite):
// add `/// <reference types="gan-sdk/vite-client" />` to a .d.ts file, or "types": ["gan-sdk/vite-client"] to tsconfig.
declare module 'gan:*' {
  /** The baked images, in seed (then label) order. */
  const images: ReadonlyArray<{
    /** URL of the image: a hashed asset in `vite build`, served by the dev server in `vite`. */
    src: string
    width: number
    height: number
    seed: number | string
    /** Class name of a conditional model's image, else null. */
    label: string | null
  }>
  export default images
}
