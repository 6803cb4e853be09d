import { decode, encode } from 'fast-png'
import { describeValue } from './describe-value.js'
import { GanError } from './errors.js'
import type { Seed } from './seed.js'

/**
 * Where a generated image came from, as its PNG carries it: a GAN image that says what made it. The
 * `tEXt` chunk's keyword is {@link PROVENANCE_KEYWORD}; its text is this object as ASCII JSON.
 */
export interface Provenance {
  /** The model's name (`gan.name`). */
  model: string
  /** SHA-256 of the model file's bytes, hex. */
  modelSha256: string
  /** The seed, or null for an image made from a latent given directly. */
  seed: Seed | null
  /** The class name of a conditional model's image, else null. */
  label: string | null
  /** The truncation ψ the latent was drawn with (1: none). */
  truncation: number
  /** The gan-sdk version that made the image. */
  sdkVersion: string
}

/** The PNG `tEXt` keyword of the provenance chunk. */
export const PROVENANCE_KEYWORD = 'gan-sdk'

/** RGBA pixels with the channel count of the model that made them, encodable as PNG. */
export class RgbaImage {
  constructor(
    readonly width: number,
    readonly height: number,
    /** Channels of the model's output: 1 grey, 3 RGB, 4 RGBA. `data` is RGBA whatever this is. */
    readonly channels: 1 | 3 | 4,
    /**
     * `width × height × 4` bytes, row-major RGBA, alpha 255 unless the model outputs alpha. Images
     * of one batch are views into one shared buffer: `data.slice()` before transferring `data.buffer`.
     */
    readonly data: Uint8Array,
  ) {}

  /** The provenance the PNG carries; none for images that are not one generation (grids). */
  get provenance(): Provenance | undefined {
    return undefined
  }

  /**
   * Encode as an 8-bit PNG with the model's channels: grey models give a greyscale PNG and RGB
   * models an RGB one (same pixels as `data`, smaller files); RGBA models keep their alpha. Carries
   * the image's {@link provenance} in a `tEXt` chunk.
   */
  toPNG(): Uint8Array {
    return encode(this.pngInput())
  }

  /**
   * What {@link toPNG} hands the PNG encoder (fast-png's `encode`): the pixels packed to the model's
   * channels, and the provenance text. For encoding elsewhere, e.g. in a worker thread.
   */
  pngInput(): { width: number; height: number; channels: 1 | 3 | 4; depth: 8; data: Uint8Array; text?: Record<string, string> } {
    const { width, height, channels, data } = this
    const provenance = this.provenance
    const text = provenance === undefined ? {} : { text: { [PROVENANCE_KEYWORD]: asciiJson(provenance) } }
    if (channels === 4) return { width, height, channels, depth: 8, data, ...text }
    const packed = new Uint8Array(width * height * channels)
    for (let src = 0, dst = 0; dst < packed.length; src += 4) {
      for (let k = 0; k < channels; k++) packed[dst++] = data[src + k]!
    }
    return { width, height, channels, depth: 8, data: packed, ...text }
  }

  /** The PNG as a Blob (`image/png`, with the provenance), for `URL.createObjectURL` or a download. */
  toBlob(): Blob {
    return new Blob([this.toPNG() as Uint8Array<ArrayBuffer>], { type: 'image/png' })
  }

  /** The pixels as an `ImageData`, for `ctx.putImageData` (browsers and workers; it copies `data`). */
  toImageData(): ImageData {
    if (typeof ImageData === 'undefined')
      throw new GanError('ERR_UNSUPPORTED_RUNTIME', 'ImageData exists only in browsers and their workers: use toPNG() or data here.')
    return new ImageData(new Uint8ClampedArray(this.data), this.width, this.height)
  }

  /** Draw the image on a canvas (2D context or the canvas itself) at (x, y), 1 image pixel per canvas pixel. */
  drawTo(target: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | HTMLCanvasElement | OffscreenCanvas, x = 0, y = 0): void {
    const ctx =
      'getContext' in target ? (target.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null) : target
    if (ctx === null)
      throw new GanError('ERR_INVALID_OPTION', 'the canvas has no 2D context (it already has another kind): draw on a fresh canvas.')
    ctx.putImageData(this.toImageData(), x, y)
  }

  /** The PNG as a `data:image/png;base64,…` URL, for an `<img src>` or a CSS background. */
  toDataURL(): string {
    const png = this.toPNG()
    let binary = ''
    for (let i = 0; i < png.length; i += 0x8000) binary += String.fromCharCode(...png.subarray(i, i + 0x8000))
    return `data:image/png;base64,${btoa(binary)}`
  }
}

/** One generated image: its pixels, and the seed, label and truncation that made it. */
export class GeneratedImage extends RgbaImage {
  /** The class name of a conditional model's image; undefined for unconditional models. */
  readonly label: string | undefined
  /** The truncation ψ the latent was drawn with (1: none). */
  readonly truncation: number
  /** The model's output values for this image (its layout, its range), when generated with `keepFloat: true`. */
  readonly float: Float32Array | undefined
  readonly #origin: { model: string; modelSha256: string; sdkVersion: string } | undefined

  constructor(
    width: number,
    height: number,
    channels: 1 | 3 | 4,
    data: Uint8Array,
    /** The seed, or undefined for an image made from a latent given directly. */
    readonly seed: Seed | undefined,
    details: {
      label?: string
      truncation?: number
      float?: Float32Array
      origin?: { model: string; modelSha256: string; sdkVersion: string }
    } = {},
  ) {
    super(width, height, channels, data)
    this.label = details.label
    this.truncation = details.truncation ?? 1
    this.float = details.float
    this.#origin = details.origin
  }

  override get provenance(): Provenance | undefined {
    if (this.#origin === undefined) return undefined
    return { ...this.#origin, seed: this.seed ?? null, label: this.label ?? null, truncation: this.truncation }
  }
}

/**
 * The provenance a gan-sdk PNG carries, or null when the bytes are a PNG without one. Bytes that
 * are not a PNG throw fast-png's error.
 */
export function readProvenance(png: Uint8Array): Provenance | null {
  const text = decode(png).text[PROVENANCE_KEYWORD]
  if (text === undefined) return null
  try {
    const value = JSON.parse(text) as Provenance
    return value !== null && typeof value === 'object' && typeof value.modelSha256 === 'string' ? value : null
  } catch {
    return null
  }
}

/** JSON with every non-ASCII character escaped, since PNG tEXt holds Latin-1 only. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Options of {@link grid}. */
export interface GridOptions {
  /** Images per row. @default ⌈√count⌉ */
  columns?: number
  /** Pixels between images and around the edge, in black (transparent for RGBA). @default 2 */
  padding?: number
}

/**
 * Tile images of one size into one contact sheet, row by row. The sheet has the most channels of
 * its images (grey images give a grey sheet).
 */
export function grid(images: readonly RgbaImage[], options: GridOptions = {}): RgbaImage {
  const [first] = images
  if (!Array.isArray(images) || first === undefined)
    throw new GanError('ERR_INVALID_OPTION', 'grid() got no images: pass an array of images.')
  const { columns = Math.ceil(Math.sqrt(images.length)), padding = 2 } = options
  if (!Number.isSafeInteger(columns) || columns < 1)
    throw new GanError('ERR_INVALID_OPTION', `grid columns ${describeValue(columns)} is invalid: pass a positive integer.`)
  if (!Number.isSafeInteger(padding) || padding < 0)
    throw new GanError('ERR_INVALID_OPTION', `grid padding ${describeValue(padding)} is invalid: pass a non-negative integer.`)
  const { width: w, height: h } = first
  const odd = images.find((image) => image.width !== w || image.height !== h)
  if (odd !== undefined) {
    throw new GanError(
      'ERR_INVALID_OPTION',
      `grid() images differ in size (${w}×${h} and ${odd.width}×${odd.height}): pass images of one model.`,
    )
  }
  const rows = Math.ceil(images.length / columns)
  const W = columns * w + (columns + 1) * padding
  const H = rows * h + (rows + 1) * padding
  const channels = Math.max(...images.map((image) => image.channels)) as 1 | 3 | 4
  const out = new Uint8Array(W * H * 4)
  if (channels !== 4) for (let i = 3; i < out.length; i += 4) out[i] = 255
  images.forEach((image, n) => {
    const x0 = padding + (n % columns) * (w + padding)
    const y0 = padding + Math.floor(n / columns) * (h + padding)
    for (let y = 0; y < h; y++) out.set(image.data.subarray(y * w * 4, (y + 1) * w * 4), ((y0 + y) * W + x0) * 4)
  })
  return new RgbaImage(W, H, channels, out)
}
