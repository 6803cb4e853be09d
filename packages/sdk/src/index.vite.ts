// `gan-sdk/vite` (Node only): the Vite plugin that turns `import … from 'gan:mnist?seeds=0-7'` into baked images.
export { default, default as ganSdk, parseImport, type GanVitePluginOptions, type GanImportedImage } from './vite/plugin.js'
