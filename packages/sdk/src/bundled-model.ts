/**
 * The models shipped inside the package, by the name `Generator.load(name)` takes. This module sits
 * at src/ top level so the same relative URLs resolve from src/ (tests) and dist/ (the build): both
 * are one level below the package root, where the build copies models/<name>/<name>.onnx into assets/.
 */
export const BUNDLED_MODELS = {
  /** Handwritten digits, 28×28 grey (models/mnist). The default model. */
  mnist: new URL('../assets/mnist.onnx', import.meta.url),
} as const

export type BundledModelName = keyof typeof BUNDLED_MODELS

/** The default model of `generate(seed)` and `Generator.load()`. */
export const BUNDLED_MODEL_URL = BUNDLED_MODELS.mnist

/** The bundled model a string names (`'mnist'`), or undefined for anything else (paths, URLs). */
export function bundledModel(source: unknown): URL | undefined {
  return typeof source === 'string' && Object.hasOwn(BUNDLED_MODELS, source) ? BUNDLED_MODELS[source as BundledModelName] : undefined
}
