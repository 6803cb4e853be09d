/**
 * The MNIST generator shipped inside the package. This module sits at src/ top level so the same
 * relative URL resolves from src/ (tests) and dist/ (the build): both are one level below the
 * package root, where the build copies models/mnist/mnist.onnx into assets/.
 */
export const BUNDLED_MODEL_URL = new URL('../assets/mnist.onnx', import.meta.url)
