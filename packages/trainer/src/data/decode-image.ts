import type { Sharp, SharpOptions } from 'sharp'

/** How an image that is not square becomes square: `crop` keeps the centre, `pad` fits it whole with a border. */
export type Fit = 'crop' | 'pad'
export const FITS: readonly Fit[] = ['crop', 'pad']

export interface ImageShape {
  /** Width and height of the square output, in pixels. */
  size: number
  channels: 1 | 3 | 4
  fit: Fit
}

/** Images smaller than this on a side are skipped: too little detail to scale up. */
export const MIN_SIDE = 8
/** Images longer than this many times their width (or wider than their height) are skipped: a crop would keep too little. */
export const MAX_ASPECT = 4

/** Why an image was skipped, as reported to the user. */
export type SkipReason = 'unreadable' | 'unsupported format' | 'too small' | 'too elongated'

export type DecodeResult = { pixels: Uint8Array } | { skipped: SkipReason; detail: string }

type SharpFactory = typeof import('sharp')
let sharpFactory: Promise<SharpFactory> | undefined

/** sharp is a native addon: it loads on first use, so importing the trainer opens no addon. */
function loadSharp(): Promise<SharpFactory> {
  sharpFactory ??= import('sharp').then((m) => m.default)
  return sharpFactory
}

/**
 * Decode an image file (or raw pixels) into `size × size × channels` bytes: EXIF orientation applied,
 * transparency flattened onto white unless `channels` is 4, scaled (Lanczos) to cover the square and
 * centre-cropped, or fitted inside it and padded (white, or transparent at 4 channels); one channel
 * is the image's luminance. Unreadable, tiny or very elongated images are reported, not thrown.
 */
export async function decodeImage(input: string | Uint8Array, shape: ImageShape, raw?: SharpOptions['raw']): Promise<DecodeResult> {
  const sharp = await loadSharp()
  let image: Sharp
  let width: number
  let height: number
  try {
    image = sharp(input, { raw, failOn: 'error', pages: 1 }).rotate()
    const meta = await image.metadata()
    const turned = (meta.orientation ?? 1) >= 5
    width = (turned ? meta.height : meta.width) ?? 0
    height = (turned ? meta.width : meta.height) ?? 0
  } catch (err) {
    return { skipped: 'unreadable', detail: firstLine(err) }
  }
  if (Math.min(width, height) < MIN_SIDE) return { skipped: 'too small', detail: `${width}×${height}` }
  if (Math.max(width, height) > MAX_ASPECT * Math.min(width, height)) return { skipped: 'too elongated', detail: `${width}×${height}` }
  const { size, channels, fit } = shape
  const background = channels === 4 ? { r: 0, g: 0, b: 0, alpha: 0 } : { r: 255, g: 255, b: 255, alpha: 1 }
  if (channels !== 4) image = image.flatten({ background })
  image = image.resize(size, size, { fit: fit === 'crop' ? 'cover' : 'contain', position: 'centre', background })
  // Grey inputs become three equal colour bands at 3 or 4 channels.
  if (channels === 1) image = image.greyscale()
  else image = channels === 4 ? image.toColourspace('srgb').ensureAlpha() : image.removeAlpha().toColourspace('srgb')
  try {
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true })
    if (info.channels !== channels) return { skipped: 'unreadable', detail: `decoded to ${info.channels} channels, not ${channels}` }
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) }
  } catch (err) {
    return { skipped: 'unreadable', detail: firstLine(err) }
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!
}
