import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { decodeImages, type LoadedImages } from './decode-images.js'
import type { ImageShape } from './decode-image.js'

const require = createRequire(import.meta.url)

/** Licence of the emoji artwork (Twemoji graphics, © Twitter, Inc. and other contributors). */
export const EMOJI_LICENSE = 'CC-BY-4.0'
/** Credit line the licence asks for; gan.json and the README carry it. */
export const EMOJI_CREDIT = 'Twemoji graphics by Twitter, Inc. and other contributors, CC-BY 4.0, via emoji-datasource-twitter'

interface EmojiEntry {
  image: string
  category: string
  sort_order: number
  has_img_twitter: boolean
}

/** Skin-tone swatches and hair parts, not pictures on their own. */
const LEFT_OUT = new Set(['Component'])

/**
 * The built-in colour set: the 64×64 Twemoji PNGs of `emoji-datasource-twitter` (one per emoji,
 * without skin-tone variants, about 1,900), at `shape`, in the package's sort order; the class of an
 * emoji is its category (Smileys & Emotion, Animals & Nature, …).
 */
export async function loadEmoji(shape: ImageShape): Promise<LoadedImages> {
  const root = dirname(require.resolve('emoji-datasource-twitter/package.json'))
  const entries = (require('emoji-datasource-twitter/emoji.json') as EmojiEntry[])
    .filter((e) => e.has_img_twitter && !LEFT_OUT.has(e.category))
    .sort((a, b) => a.sort_order - b.sort_order)
  const classNames = [...new Set(entries.map((e) => e.category))]
  const loaded = await decodeImages(
    entries.map((e) => ({ name: e.image, source: join(root, 'img', 'twitter', '64', e.image), label: classNames.indexOf(e.category) })),
    shape,
  )
  return { ...loaded, classNames }
}
