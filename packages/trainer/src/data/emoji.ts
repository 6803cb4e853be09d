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
  subcategory: string
  sort_order: number
  has_img_twitter: boolean
}

/**
 * What an emoji's class is: its `category` (9, such as `smileys-emotion` or `flags`) or its finer
 * `subcategory` (98, such as `face-smiling`, `heart` or `country-flag`, each in one category).
 */
export type EmojiClasses = 'category' | 'subcategory'

/** Which part of the built-in emoji: `train` (what `gan-train emoji` learns from) or `test` (held out, for scoring). */
export type EmojiSplit = 'train' | 'test'

/**
 * Every `EMOJI_TEST_EVERY`-th emoji of each category (in the package's sort order, counting from the
 * category's first) is held out as the `test` split: spread over each category, as neighbours in the
 * sort order are alike (the faces, the flags), and the same on every machine.
 */
export const EMOJI_TEST_EVERY = 5

/** A category as a class label that is easy to type and safe in file names: `Food & Drink` → `food-drink`. */
export function categoryLabel(category: string): string {
  return category
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join('-')
}

/** Skin-tone swatches and hair parts, not pictures on their own. */
const LEFT_OUT = new Set(['Component'])

/**
 * The built-in colour set: the 64×64 Twemoji PNGs of `emoji-datasource-twitter` (one per emoji,
 * without skin-tone variants, about 1,900: 4 in 5 of them in `train`, the rest in `test`), at
 * `shape`, in the package's sort order; the class of an emoji is its category or subcategory (`classes`), as a
 * label (`smileys-emotion`, `animals-nature`, … or `face-smiling`, `sky-weather`, …: {@link categoryLabel}),
 * numbered in the order they first appear. The split is the same for both.
 */
export async function loadEmoji(shape: ImageShape, split: EmojiSplit = 'train', classes: EmojiClasses = 'category'): Promise<LoadedImages> {
  const root = dirname(require.resolve('emoji-datasource-twitter/package.json'))
  const entries = (require('emoji-datasource-twitter/emoji.json') as EmojiEntry[])
    .filter((e) => e.has_img_twitter && !LEFT_OUT.has(e.category))
    .sort((a, b) => a.sort_order - b.sort_order)
  const categories = [...new Set(entries.map((e) => e.category))]
  const classNames = [...new Set(entries.map((e) => e[classes]))]
  const seen = new Array<number>(categories.length).fill(0)
  const sources = entries.flatMap((e) => {
    const k = seen[categories.indexOf(e.category)]!++
    const heldOut = k % EMOJI_TEST_EVERY === EMOJI_TEST_EVERY - 1
    const label = classNames.indexOf(e[classes])
    return heldOut === (split === 'test') ? [{ name: e.image, source: join(root, 'img', 'twitter', '64', e.image), label }] : []
  })
  const loaded = await decodeImages(sources, shape)
  return { ...loaded, classNames: classNames.map(categoryLabel) }
}
