import { openOnDevice, type DeviceFallback, type RunDevice } from './devices.js'
import type { ModelContract } from './model-contract.js'
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'
import { GeneratedImage } from './image.js'
import { readModelInfo, type ModelInfo } from './model-info.js'
import { resolveLoadOptions, type LoadOptions } from './options.js'
import { PixelConverter } from './kernels/pixels.js'
import type { InferenceSessionLike, ModelSource, Runtime } from './runtime.js'
import { seedsToLatents, type Seed } from './seed.js'

/** What a platform's `load()` hands to its subclass constructor. */
export interface OpenedModel {
  session: InferenceSessionLike
  model: ModelInfo
  pixels: PixelConverter
  /** The device the session runs on. */
  device: RunDevice
  /** Devices tried before `device`, with why each was not kept. */
  fallbacks: readonly DeviceFallback[]
}

/**
 * A loaded generator, platform-free. Each platform entry subclasses it with a `static load()` that
 * supplies its {@link Runtime}; everything else lives here.
 */
export class GeneratorBase {
  #session: InferenceSessionLike | undefined
  readonly #model: ModelInfo
  readonly #pixels: PixelConverter
  /** Runs in flight, so that `dispose()` can wait for them instead of pulling the session from under them. */
  readonly #running = new Set<Promise<unknown>>()

  /** The device (onnxruntime execution provider) the model runs on: `cpu`, `cuda`, `webgpu`, … */
  readonly device: RunDevice
  /** The devices tried before {@link device} and why each was not kept; empty when the first choice ran. */
  readonly fallbacks: readonly DeviceFallback[]

  protected constructor({ session, model, pixels, device, fallbacks }: OpenedModel) {
    this.#session = session
    this.#model = model
    this.#pixels = pixels
    this.device = device
    this.fallbacks = Object.freeze(fallbacks.map((f) => Object.freeze({ ...f })))
  }

  /** The shared part of every platform's `load()`: validate the options, read the model, open a session. */
  protected static async open(runtime: Runtime, source: ModelSource, options: LoadOptions): Promise<OpenedModel> {
    const resolved = resolveLoadOptions(options)
    if (typeof source !== 'string' && !(source instanceof URL) && !(source instanceof Uint8Array)) {
      throw new GanError(
        'ERR_INVALID_OPTION',
        `model ${describeValue(source)} is not a model source: pass a path, a URL, or the .onnx bytes as a Uint8Array.`,
      )
    }
    const bytes = source instanceof Uint8Array ? source : await runtime.readModel(source)
    const model = readModelInfo(bytes, resolved, source instanceof Uint8Array ? undefined : `model ${JSON.stringify(String(source))}`)
    const pixels = PixelConverter.create() // before the session: without WebAssembly SIMD this throws, leaking none
    const { device = 'auto', fallback = true, threads, sessionOptions = {} } = resolved
    const opened = await openOnDevice(runtime, bytes, model, { device, fallback, threads, sessionOptions })
    return { ...opened, model, pixels }
  }

  /** The model contract, as declared by the model's metadata, inferred from its graph, or set by load options. */
  get info(): Readonly<ModelContract> {
    return this.#model.contract
  }

  /** One image for `seed`. Safe to call concurrently: each call is its own session run. */
  async generate(seed: Seed): Promise<GeneratedImage> {
    const [image] = await this.generateBatch([seed])
    return image!
  }

  /**
   * One image per seed, from ONE session run over the whole batch; the same images as calling
   * `generate` per seed. (Models exported with a fixed batch size run in chunks of that size.)
   */
  async generateBatch(seeds: readonly Seed[]): Promise<GeneratedImage[]> {
    this.#live()
    const { contract, fixedBatch } = this.#model
    const { latentSize, width, height, channels } = contract
    // Every latent before any run, so a bad seed anywhere fails first.
    const latents = seedsToLatents(seeds, latentSize, { distribution: contract.latentDistribution })
    const runSize = fixedBatch ?? seeds.length
    const bytesPerImage = width * height * 4
    const images: GeneratedImage[] = []
    for (let start = 0; start < seeds.length; start += runSize) {
      const count = Math.min(runSize, seeds.length - start)
      let input = latents.subarray(start * latentSize, (start + count) * latentSize)
      if (count < runSize) {
        // The last run of a fixed-batch model: padded with zero latents, whose images are dropped.
        input = new Float32Array(runSize * latentSize)
        input.set(latents.subarray(start * latentSize))
      }
      const output = await this.#run(input, runSize)
      const expected = runSize * width * height * channels
      if (output.length !== expected) {
        throw new GanError(
          'ERR_NOT_A_GENERATOR',
          `the model returned ${output.length} values for a batch of ${runSize}, but ${width}×${height}×${channels} images need ${expected}. Pass width, height and layout load options that match the model's output.`,
        )
      }
      const rgba = this.#pixels.toRgbaInPlace(output, count, contract)
      for (let n = 0; n < count; n++) {
        images.push(
          new GeneratedImage(width, height, channels, rgba.subarray(n * bytesPerImage, (n + 1) * bytesPerImage), seeds[start + n]!),
        )
      }
    }
    return images
  }

  /** Free the runtime session, after the runs in flight finish. Later calls fail with ERR_DISPOSED. */
  async dispose(): Promise<void> {
    const session = this.#session
    if (session === undefined) return
    this.#session = undefined
    await Promise.allSettled(this.#running)
    await session.release()
  }

  async #run(latents: Float32Array, batch: number): Promise<Float32Array> {
    const run = this.#live().run(latents, batch)
    this.#running.add(run)
    try {
      return await run
    } catch (err) {
      throw new GanError(
        'ERR_INFERENCE',
        `the model failed to run on a batch of ${batch}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      )
    } finally {
      this.#running.delete(run)
    }
  }

  #live(): InferenceSessionLike {
    if (this.#session === undefined)
      throw new GanError('ERR_DISPOSED', 'this generator was disposed: load a new one with Generator.load().')
    return this.#session
  }
}
