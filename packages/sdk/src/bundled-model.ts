/**
 * The models shipped inside the package, by the name `Generator.load(name)` takes. This module sits
 * at src/ top level so the same relative URLs resolve from src/ (tests) and dist/ (the build): both
 * are one level below the package root, where the build copies models/<name>/<name>.onnx into assets/.
 */
export const BUNDLED_MODELS = {
  /** Handwritten digits, 28×28 grey, one class per digit (models/mnist). The default model. */
  mnist: new URL('../assets/mnist.onnx', import.meta.url),
  /** Emoji, 32×32 RGBA, one class per emoji category (models/emoji). */
  emoji: new URL('../assets/emoji.onnx', import.meta.url),
} as const

export type BundledModelName = keyof typeof BUNDLED_MODELS

/** The default model of `generate(seed)` and `Generator.load()`. */
export const BUNDLED_MODEL_URL = BUNDLED_MODELS.mnist

/** The bundled model a string names (`'mnist'`, `'emoji'`), or undefined for anything else (paths, URLs). */
export function bundledModel(source: unknown): URL | undefined {
  return typeof source === 'string' && Object.hasOwn(BUNDLED_MODELS, source) ? BUNDLED_MODELS[source as BundledModelName] : undefined
}

/** The name of a bundled model's URL (any URL with its address), or undefined for any other source. */
export function bundledModelName(source: unknown): BundledModelName | undefined {
  if (!(source instanceof URL)) return undefined
  return (Object.keys(BUNDLED_MODELS) as BundledModelName[]).find((name) => BUNDLED_MODELS[name].href === source.href)
}
