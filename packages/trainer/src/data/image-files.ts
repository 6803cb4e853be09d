import { readdir } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'

/** File extensions a folder dataset reads (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp']

/**
 * The image files under `root`, recursively, as paths relative to it with `/` separators, in code
 * point order so every machine lists them alike. Hidden files and folders (`.git`, `.DS_Store`) are
 * left out.
 */
export async function findImageFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  const files: string[] = []
  for (const entry of entries) {
    if (!entry.isFile() || !IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) continue
    const path = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/')
    if (path.split('/').some((part) => part.startsWith('.'))) continue
    files.push(path)
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
