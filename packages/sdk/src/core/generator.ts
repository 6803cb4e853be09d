import { openOnDevice, type DeviceFallback, type RunDevice } from './devices.js'
import type { ModelContract } from './model-contract.js'
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'
import { GeneratedImage } from './image.js'
import type { ModelInfo } from './model-info.js'
import { CONTRACT_OPTIONS, resolveLoadOptions, type LoadOptions } from './options.js'
import { PixelConverter } from './kernels/pixels.js'
import type { ModelSource, Runtime } from './runtime.js'
import type { InferenceSessionLike } from './session.js'
import {
  DEFAULT_BATCH,
  labelIndex,
  labelList,
  MAX_STEPS,
  resolveGenerateOptions,
  type BatchOptions,
  type GenerateOptions,
  type InterpolateOptions,
  type Label,
  type LatentImageOptions,
} from './generate-options.js'
import { latentsOfCheckedSeeds, seedToInteger, seedToLatent, type Seed } from './seed.js'
import { checkSeedList } from './seed-state.js'
import { interpolateLatents } from './interpolate.js'
import { SDK_VERSION } from './version.js'

/** What a platform's `load()` hands to its subclass constructor. */
export interface OpenedModel {
  session: InferenceSessionLike
  model: ModelInfo
  pixels: PixelConverter
  /** The device the session runs on. */
  device: RunDevice
  /** Devices tried before `device`, with why each was not kept. */
  fallbacks: readonly DeviceFallback[]
  /** SHA-256 of the model's bytes, hex: the provenance every image carries. */
  modelSha256: string
}

/**
 * A loaded generator, platform-free. Each platform entry subclasses it with a `static load()` that
 * supplies its {@link Runtime}; everything else lives here.
 */
export class GeneratorBase {
  #session: InferenceSessionLike | undefined
  readonly #model: ModelInfo
  readonly #pixels: PixelConverter
  readonly #origin: { model: string; modelSha256: string; sdkVersion: string }
  /** Runs in flight, so that `dispose()` can wait for them instead of pulling the session from under them. */
  readonly #running = new Set<Promise<unknown>>()

  /** The device (onnxruntime execution provider) the model runs on: `cpu`, `cuda`, `webgpu`, … */
  readonly device: RunDevice
  /** The devices tried before {@link device} and why each was not kept; empty when the first choice ran. */
  readonly fallbacks: readonly DeviceFallback[]

  protected constructor({ session, model, pixels, device, fallbacks, modelSha256 }: OpenedModel) {
    this.#origin = Object.freeze({ model: model.contract.name, modelSha256, sdkVersion: SDK_VERSION })
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
    const overridden = CONTRACT_OPTIONS.some((key) => resolved[key] !== undefined)
    const [bytes, known] = await Promise.all([
      source instanceof Uint8Array ? source : runtime.readModel(source),
      source instanceof Uint8Array || overridden ? undefined : runtime.knownModel?.(source),
    ])
    const label = source instanceof Uint8Array ? undefined : `model ${JSON.stringify(String(source))}`
    const pixels = PixelConverter.create() // before the hashes and the session: without WebAssembly SIMD this throws, leaving none running
    const digest = sha256Hex(bytes)
    // A bundled model whose bytes are the ones the build read needs no parsing: the protobuf reader is not even loaded.
    const { model, integrity } =
      known !== undefined && known.sha256 === (await digest)
        ? { model: known.info, integrity: Promise.resolve() }
        : (await import('./inspect-model.js')).inspectModel(bytes, resolved, label)
    const { device = 'auto', fallback = true, threads, workers = 0, sessionOptions = {} } = resolved
    // The hashes run off the main thread (Web Crypto) while onnxruntime builds the session.
    const [modelSha256, checked, session] = await Promise.allSettled([
      digest,
      integrity,
      openOnDevice(runtime, bytes, model, { device, fallback, threads, workers, sessionOptions }),
    ])
    // Corrupt weights explain any other failure, so their error wins.
    const failure = [checked, session, modelSha256].find((r) => r.status === 'rejected')
    if (failure !== undefined) {
      if (session.status === 'fulfilled') await session.value.session.release()
      throw failure.reason
    }
    return {
      ...(session as PromiseFulfilledResult<Awaited<ReturnType<typeof openOnDevice>>>).value,
      model,
      pixels,
      modelSha256: (modelSha256 as PromiseFulfilledResult<string>).value,
    }
  }

  /** SHA-256 of the model file's bytes (hex), as every image's provenance records it. */
  get sha256(): string {
    return this.#origin.modelSha256
  }

  /** The model contract, as declared by the model's metadata, inferred from its graph, or set by load options. */
  get info(): Readonly<ModelContract> {
    return this.#model.contract
  }

  /**
   * The latent `generate(seed)` feeds the model (the seed contract, docs/seeds.md), with the
   * model's latent distribution and the given truncation.
   */
  latent(seed: Seed, options: { truncation?: number } = {}): Float32Array {
    const { truncation = 1 } = options
    return seedToLatent(seed, this.#model.contract.latentSize, { distribution: this.#model.contract.latentDistribution, truncation })
  }

  /** One image for `seed`. Safe to call concurrently: each call is its own session run. */
  async generate(seed: Seed, options: GenerateOptions = {}): Promise<GeneratedImage> {
    const [image] = await this.generateBatch([seed], options)
    return image!
  }

  /**
   * One image per seed, the same images as calling `generate` per seed, from one session run per
   * `batchSize` seeds (models exported with a fixed batch size run in chunks of that size). A
   * `label` applies to every seed; an array gives one per seed.
   */
  async generateBatch(seeds: readonly Seed[], options: BatchOptions = {}): Promise<GeneratedImage[]> {
    this.#live()
    checkSeedList(seeds)
    const { truncation, batchSize, keepFloat, label } = resolveGenerateOptions(options)
    const { contract } = this.#model
    const labels = this.#labelsFor(seeds, label)
    const images: GeneratedImage[] = []
    for (let start = 0; start < seeds.length; start += batchSize) {
      const chunk = seeds.slice(start, start + batchSize)
      const latents = latentsOfCheckedSeeds(chunk, contract.latentSize, contract.latentDistribution, truncation)
      images.push(
        ...(await this.#images(
          latents,
          chunk.length,
          labels?.subarray(start, start + chunk.length),
          keepFloat,
          (n) => chunk[n]!,
          truncation,
        )),
      )
    }
    return images
  }

  /** The image of a latent you made yourself (`latentSize` floats); conditional models need a `label`. */
  async fromLatent(latent: Float32Array, options: LatentImageOptions = {}): Promise<GeneratedImage> {
    const [image] = await this.fromLatents([latent], options)
    return image!
  }

  /** The images of several latents, one session run per `batchSize` of them. Their images have no seed. */
  async fromLatents(latents: readonly Float32Array[], options: LatentImageOptions = {}): Promise<GeneratedImage[]> {
    this.#live()
    const { latentSize } = this.#model.contract
    if (!Array.isArray(latents))
      throw new GanError('ERR_INVALID_OPTION', `latents ${describeValue(latents)} are not an array: pass an array of Float32Array.`)
    latents.forEach((z, i) => {
      if (!(z instanceof Float32Array) || z.length !== latentSize) {
        throw new GanError(
          'ERR_INVALID_OPTION',
          `latent ${i} is ${z instanceof Float32Array ? `${z.length} floats` : describeValue(z)}: pass a Float32Array of the model's ${latentSize} (info.latentSize).`,
        )
      }
    })
    const { batchSize, keepFloat, label } = resolveGenerateOptions(options)
    if (this.#model.contract.labelInput !== undefined && label === undefined) {
      throw new GanError('ERR_INVALID_LABEL', `this model is conditional: pass a label, one of ${labelList(this.#model.contract.labels)}.`)
    }
    const labels = this.#labelsFor(
      latents.map(() => 0),
      label,
    )
    const images: GeneratedImage[] = []
    for (let start = 0; start < latents.length; start += batchSize) {
      const chunk = latents.slice(start, start + batchSize)
      const flat = new Float32Array(chunk.length * latentSize)
      chunk.forEach((z, n) => flat.set(z, n * latentSize))
      images.push(...(await this.#images(flat, chunk.length, labels?.subarray(start, start + chunk.length), keepFloat, () => undefined, 1)))
    }
    return images
  }

  /**
   * `steps` images walking from `seedA`'s latent to `seedB`'s: the first is `generate(seedA)`, the
   * last `generate(seedB)` (with the same truncation and label). `slerp` follows the great circle
   * between the latents, which keeps their length typical of the distribution; `lerp` the straight
   * line. A conditional model without a `label` shows `seedA`'s class for the first half and
   * `seedB`'s for the rest.
   */
  async interpolate(seedA: Seed, seedB: Seed, steps: number, options: InterpolateOptions = {}): Promise<GeneratedImage[]> {
    this.#live()
    const { method = 'slerp', truncation = 1, label } = options
    if (method !== 'slerp' && method !== 'lerp')
      throw new GanError('ERR_INVALID_OPTION', `interpolation method ${describeValue(method)} is unknown: pass 'slerp' or 'lerp'.`)
    if (!Number.isSafeInteger(steps) || steps < 2 || steps > MAX_STEPS) {
      throw new GanError(
        'ERR_INVALID_OPTION',
        `steps ${describeValue(steps)} is invalid: pass an integer from 2 to ${MAX_STEPS} (the first and last are the two seeds' images).`,
      )
    }
    const a = this.latent(seedA, { truncation })
    const b = this.latent(seedB, { truncation })
    const path = interpolateLatents(a, b, steps, method)
    const ends = this.#labelsFor([seedA, seedB], label)
    const labels = ends === undefined ? undefined : Int32Array.from({ length: steps }, (_, i) => ends[i < steps / 2 ? 0 : 1]!)
    const flat = new Float32Array(steps * a.length)
    path.forEach((z, i) => flat.set(z, i * a.length))
    const images: GeneratedImage[] = []
    for (let start = 0; start < steps; start += DEFAULT_BATCH) {
      const count = Math.min(DEFAULT_BATCH, steps - start)
      const seedOf = (n: number) => (start + n === 0 ? seedA : start + n === steps - 1 ? seedB : undefined)
      images.push(
        ...(await this.#images(
          flat.subarray(start * a.length, (start + count) * a.length),
          count,
          labels?.subarray(start, start + count),
          false,
          seedOf,
          truncation,
        )),
      )
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

  /** Images of `count` latents (row by row), in runs the model's fixed batch allows; `seedOf(n)` names image n's seed. */
  async #images(
    latents: Float32Array,
    count: number,
    labels: Int32Array | undefined,
    keepFloat: boolean,
    seedOf: (n: number) => Seed | undefined,
    truncation: number,
  ): Promise<GeneratedImage[]> {
    const { contract, fixedBatch } = this.#model
    const { latentSize, width, height, channels } = contract
    const runSize = fixedBatch ?? count
    const floatsPerImage = width * height * channels
    const bytesPerImage = width * height * 4
    const images: GeneratedImage[] = []
    for (let start = 0; start < count; start += runSize) {
      const n = Math.min(runSize, count - start)
      let input = latents.subarray(start * latentSize, (start + n) * latentSize)
      let inputLabels = labels?.subarray(start, start + n)
      if (n < runSize) {
        // The last run of a fixed-batch model: padded with zero latents (and class 0), whose images are dropped.
        input = new Float32Array(runSize * latentSize)
        input.set(latents.subarray(start * latentSize, (start + n) * latentSize))
        if (inputLabels !== undefined) {
          const padded = new Int32Array(runSize)
          padded.set(inputLabels)
          inputLabels = padded
        }
      }
      const output = await this.#run(input, runSize, inputLabels)
      const expected = runSize * floatsPerImage
      if (output.length !== expected) {
        throw new GanError(
          'ERR_NOT_A_GENERATOR',
          `the model returned ${output.length} values for a batch of ${runSize}, but ${width}×${height}×${channels} images need ${expected}. Pass width, height and layout load options that match the model's output.`,
        )
      }
      const floats = keepFloat ? output.slice(0, n * floatsPerImage) : undefined
      const rgba = this.#pixels.toRgbaInPlace(output, n, contract)
      for (let i = 0; i < n; i++) {
        images.push(
          new GeneratedImage(width, height, channels, rgba.subarray(i * bytesPerImage, (i + 1) * bytesPerImage), seedOf(start + i), {
            label: inputLabels === undefined ? undefined : contract.labels[inputLabels[i]!],
            truncation,
            float: floats?.subarray(i * floatsPerImage, (i + 1) * floatsPerImage),
            origin: this.#origin,
          }),
        )
      }
    }
    return images
  }

  /**
   * Class indices for a conditional model: the given label (one for all, or one per seed), else
   * each seed's own class, `seedToInteger(seed) mod classes` (docs/seeds.md). Undefined for
   * unconditional models, which refuse a label.
   */
  #labelsFor(seeds: readonly Seed[], label: Label | readonly Label[] | undefined): Int32Array | undefined {
    const { labelInput, labels } = this.#model.contract
    if (labelInput === undefined) {
      if (label !== undefined)
        throw new GanError(
          'ERR_INVALID_LABEL',
          `label ${describeValue(label)} given, but this model is unconditional (it has no label input): leave label out.`,
        )
      return undefined
    }
    if (Array.isArray(label)) {
      if (label.length !== seeds.length) {
        throw new GanError(
          'ERR_INVALID_LABEL',
          `${label.length} labels for ${seeds.length} seeds: pass one label per seed, or one label for all.`,
        )
      }
      return Int32Array.from(label, (l) => labelIndex(l, labels))
    }
    if (label !== undefined) return new Int32Array(seeds.length).fill(labelIndex(label as Label, labels))
    return Int32Array.from(seeds, (seed) => seedToInteger(seed) % labels.length)
  }

  async #run(latents: Float32Array, batch: number, labels: Int32Array | undefined): Promise<Float32Array> {
    const run = this.#live().run(latents, batch, labels)
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

/** SHA-256 of `bytes` as hex, with the Web Crypto API that Node 20+ and browsers have. */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}
