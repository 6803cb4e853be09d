import { readdir } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'

/** File extensions a folder dataset reads (case-insensitive): the formats sharp's own builds decode. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.avif', '.tif', '.tiff']

/** The formats read, for messages. */
export const IMAGE_FORMATS = 'PNG, JPEG, WebP, GIF, AVIF or TIFF'

/** Image formats a folder may hold that are not read: reported as skipped rather than passed over in silence. */
export const UNREAD_IMAGE_EXTENSIONS: readonly string[] = ['.bmp', '.heic', '.heif', '.jxl', '.jp2', '.svg', '.ico', '.psd']

/** A folder's files: the images to decode, and the images in formats that are not read. */
export interface ImageFiles {
  images: string[]
  unread: string[]
}

/**
 * The image files under `root`, recursively, as paths relative to it with `/` separators, in code
 * point order so every machine lists them alike. Hidden files and folders (`.git`, `.DS_Store`) are
 * left out, and so are files that are not images (`.txt`, `.json`).
 */
export async function findImageFiles(root: string): Promise<ImageFiles> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  const images: string[] = []
  const unread: string[] = []
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const ext = extname(entry.name).toLowerCase()
    const list = IMAGE_EXTENSIONS.includes(ext) ? images : UNREAD_IMAGE_EXTENSIONS.includes(ext) ? unread : undefined
    if (!list) continue
    const path = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/')
    if (path.split('/').some((part) => part.startsWith('.'))) continue
    list.push(path)
  }
  return { images: images.sort(byCodePoint), unread: unread.sort(byCodePoint) }
}

/** Code point order (not the locale's): every machine sorts alike. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
