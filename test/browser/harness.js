// The page side of the real-browser tests (sdk-browser.test.ts): gan-sdk's browser build, bundled
// with onnxruntime-web by esbuild as an app would, exposed to the tests' page.evaluate calls.
import { Generator, grid, isGanError, readProvenance, seedToLatent } from 'gan-sdk'

globalThis.gan = { Generator, grid, isGanError, readProvenance, seedToLatent }
globalThis.ganReady = true
