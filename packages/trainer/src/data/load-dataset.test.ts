import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { findImageFiles } from './image-files.js'
import { loadDataset, loadImages } from './load-dataset.js'

/** A solid w×h image file in `format`, with alpha when `alpha` < 1. */
async function image(
  path: string,
  w: number,
  h: number,
  rgb: [number, number, number],
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'avif' | 'tiff',
  alpha = 1,
) {
  await mkdir(join(path, '..'), { recursive: true })
  const created = sharp({ create: { width: w, height: h, channels: 4, background: { r: rgb[0], g: rgb[1], b: rgb[2], alpha } } })
  await created[format]({ quality: 100, lossless: format === 'webp' }).toFile(path)
}

/** cats/ (red, 5 good + 1 broken + 1 BMP), dogs/ (blue, 3 good + 1 tiny + 1 banner), and hidden files. */
async function pets(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gan-folder-'))
  await image(join(root, 'cats', 'a.png'), 20, 10, [255, 0, 0], 'png')
  await image(join(root, 'cats', 'nested', 'b.JPG'), 16, 16, [255, 0, 0], 'jpeg')
  await image(join(root, 'cats', 'c.webp'), 12, 18, [255, 0, 0], 'webp')
  await image(join(root, 'cats', 'f.gif'), 16, 16, [255, 0, 0], 'gif')
  await image(join(root, 'cats', 'g.tif'), 16, 16, [255, 0, 0], 'tiff')
  await writeFile(join(root, 'cats', 'broken.png'), 'not a png')
  await writeFile(join(root, 'cats', 'old.BMP'), 'BM')
  await image(join(root, 'dogs', 'd.png'), 16, 16, [0, 0, 255], 'png', 0.5)
  await image(join(root, 'dogs', 'e.png'), 9, 9, [0, 0, 255], 'png')
  await image(join(root, 'dogs', 'h.avif'), 16, 16, [0, 0, 255], 'avif')
  await image(join(root, 'dogs', 'tiny.png'), 4, 4, [0, 0, 255], 'png')
  await image(join(root, 'dogs', 'banner.png'), 90, 10, [0, 0, 255], 'png')
  await image(join(root, '.thumbs', 'x.png'), 16, 16, [0, 0, 0], 'png')
  await writeFile(join(root, 'dogs', 'notes.txt'), 'not an image')
  return root
}

describe('folder datasets', () => {
  it('finds image files recursively, in code point order, without hidden ones, and lists unread formats apart', async () => {
    expect(await findImageFiles(await pets())).toEqual({
      images: [
        'cats/a.png',
        'cats/broken.png',
        'cats/c.webp',
        'cats/f.gif',
        'cats/g.tif',
        'cats/nested/b.JPG',
        'dogs/banner.png',
        'dogs/d.png',
        'dogs/e.png',
        'dogs/h.avif',
        'dogs/tiny.png',
      ],
      unread: ['cats/old.BMP'],
    })
  })

  it('loads images as bytes at the size asked for, labelled by sub-folder, and reports the ones it skips', async () => {
    const root = await pets()
    const { dataset, skipped } = await loadDataset({ kind: 'folder', path: root }, { size: 8, channels: 3, fit: 'crop' }, true)
    expect(dataset).toMatchObject({ width: 8, height: 8, channels: 3, count: 8, classNames: ['cats', 'dogs'], license: 'unknown' })
    expect(dataset.pixels).toBeInstanceOf(Uint8Array)
    expect(Array.from(dataset.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 1])
    expect(skipped).toEqual([
      { name: 'cats/broken.png', reason: 'unreadable', detail: expect.stringContaining('unsupported image format') },
      { name: 'cats/old.BMP', reason: 'unsupported format', detail: 'BMP is not read: convert it to PNG' },
      { name: 'dogs/banner.png', reason: 'too elongated', detail: '90×10' },
      { name: 'dogs/tiny.png', reason: 'too small', detail: '4×4' },
    ])
    const pixel = (n: number) => Array.from(dataset.pixels.subarray(n * 192, n * 192 + 3))
    expect(pixel(0)).toEqual([255, 0, 0])
    // Half-transparent blue, flattened onto white.
    // GIF, TIFF and AVIF decode like the rest: red cats, blue dogs.
    for (const n of [2, 3]) expect(pixel(n)).toEqual([255, 0, 0])
    expect(pixel(7)).toEqual([0, 0, 255].map((v) => expect.closeTo(v, -1))) // AVIF is lossy: within 5
    expect(pixel(5)).toEqual([127, 127, 255].map((v, i) => expect.closeTo(v, i === 2 ? 0 : 1.5)))
  })

  it('pads instead of cropping, keeps alpha at 4 channels and makes luminance at 1', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gan-folder-'))
    await image(join(root, 'wide.png'), 16, 8, [0, 0, 0], 'png')
    await image(join(root, 'ghost.png'), 8, 8, [0, 255, 0], 'png', 0.5)
    const padded = await loadDataset({ kind: 'folder', path: root }, { size: 8, channels: 4, fit: 'pad' }, false)
    const rgba = (n: number, y: number) => Array.from(padded.dataset.pixels.subarray((n * 64 + y * 8) * 4, (n * 64 + y * 8) * 4 + 4))
    expect(rgba(0, 4)).toEqual([0, 255, 0, 128])
    expect(rgba(1, 0)).toEqual([0, 0, 0, 0]) // the border of the 16×8 image fitted into 8×8
    expect(rgba(1, 4)).toEqual([0, 0, 0, 255])
    const grey = await loadDataset({ kind: 'folder', path: root }, { size: 8, channels: 1, fit: 'crop' }, false)
    expect(grey.dataset.pixels.length).toBe(2 * 64)
    expect(grey.dataset.pixels[0]).toBeGreaterThan(150) // green at half alpha on white
    expect(grey.dataset.classNames).toEqual([expect.stringMatching(/^gan-folder-/)])
    // A grey file gives equal colour bands and opaque alpha at 4 channels.
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .greyscale()
      .png()
      .toFile(join(root, 'grey.png'))
    const mixed = await loadDataset({ kind: 'folder', path: root }, { size: 8, channels: 4, fit: 'crop' }, false)
    expect(Array.from(mixed.dataset.pixels.subarray(256, 260))).toEqual([136, 136, 136, 255])
  })

  it.each([
    [
      'a missing folder',
      async () => join(tmpdir(), 'no-such-folder-gan'),
      false,
      'is neither a built-in dataset (mnist, emoji, emoji-subcategories) nor a folder',
    ],
    ['an empty folder', () => mkdtemp(join(tmpdir(), 'gan-folder-')), false, 'has no usable images'],
    [
      'a single image',
      async () => {
        const root = await mkdtemp(join(tmpdir(), 'gan-folder-'))
        await image(join(root, 'only.png'), 8, 8, [0, 0, 0], 'png')
        await writeFile(join(root, 'bad.png'), '')
        return root
      },
      false,
      'has only one usable image (1 skipped: bad.png (unreadable',
    ],
    [
      'conditional with loose images',
      async () => {
        const root = await pets()
        await image(join(root, 'loose.png'), 8, 8, [0, 0, 0], 'png')
        return root
      },
      true,
      'image(s) sit directly in',
    ],
    [
      'conditional with one class',
      async () => {
        const root = await mkdtemp(join(tmpdir(), 'gan-folder-'))
        await image(join(root, 'cats', 'a.png'), 8, 8, [0, 0, 0], 'png')
        await image(join(root, 'cats', 'b.png'), 8, 8, [0, 0, 0], 'png')
        return root
      },
      true,
      '--conditional needs at least two classes, one sub-folder each, but',
    ],
  ])('%s is ERR_DATASET', async (_, make, conditional, message) => {
    const path = await make()
    await expect(loadDataset({ kind: 'folder', path }, { size: 8, channels: 3, fit: 'crop' }, conditional)).rejects.toMatchObject({
      code: 'ERR_DATASET',
      message: expect.stringContaining(message),
    })
  })
})

describe('built-in datasets', () => {
  it('emoji: about 1,900 RGBA Twemoji in 9 categories, CC-BY-4.0, one in five of each held out', async () => {
    const shape = { size: 16, channels: 4, fit: 'crop' } as const
    const { dataset, skipped } = await loadDataset({ kind: 'emoji' }, shape, true)
    const heldOut = (await loadDataset({ kind: 'emoji' }, shape, true, 'test')).dataset
    expect(skipped).toEqual([])
    expect(dataset.count + heldOut.count).toBeGreaterThan(1800)
    const perClass = (labels: Uint8Array) => Array.from({ length: 9 }, (_, k) => labels.filter((l) => l === k).length)
    const trained = perClass(dataset.labels)
    // The 5th, 10th, … of each category: a fifth of it, rounded down, and never one training has.
    expect(perClass(heldOut.labels)).toEqual(trained.map((n, k) => Math.floor((n + perClass(heldOut.labels)[k]!) / 5)))
    expect(heldOut.pixels.subarray(0, 16 * 16 * 4)).not.toEqual(dataset.pixels.subarray(3 * 16 * 16 * 4, 4 * 16 * 16 * 4))
    expect(heldOut.pixels.subarray(0, 16 * 16 * 4)).not.toEqual(dataset.pixels.subarray(4 * 16 * 16 * 4, 5 * 16 * 16 * 4))
    expect(dataset).toMatchObject({ name: 'emoji', width: 16, channels: 4, license: 'CC-BY-4.0' })
    expect(dataset.classNames).toEqual([
      'smileys-emotion',
      'people-body',
      'animals-nature',
      'food-drink',
      'travel-places',
      'activities',
      'objects',
      'symbols',
      'flags',
    ])
    // The first emoji (😀) is opaque in the middle and transparent in the corner.
    expect(dataset.pixels[(8 * 16 + 8) * 4 + 3]).toBe(255)
    expect(dataset.pixels[3]).toBe(0)
  })

  it('loadImages: the images a name names, as training loads them (the held-out ones with split test)', async () => {
    const shape = { size: 16, channels: 4, fit: 'crop' } as const
    const heldOut = await loadImages('emoji', shape, 'test')
    expect(heldOut).toEqual((await loadDataset({ kind: 'emoji' }, shape, false, 'test')).dataset)
    expect(heldOut.count).toBe(377)
    expect((await loadImages('emoji', shape)).count).toBe((await loadDataset({ kind: 'emoji' }, shape, false)).dataset.count)
    await expect(loadImages('', shape)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining(`data "" is empty`),
    })
    // A shape in another form (width and height, as ImageDataset has) is refused, not read past.
    for (const bad of [
      { width: 32, height: 32, channels: 4 },
      { ...shape, size: 4 },
      { ...shape, channels: 2 },
      { ...shape, fit: 'fill' },
    ]) {
      await expect(loadImages('emoji', bad as never)).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringMatching(
          /shape .* is invalid: pass \{ size, channels, fit \}, size an integer ≥ 8 \(the square side\), channels 1, 3 or 4, fit 'crop' or 'pad'\.$/,
        ),
      })
    }
  })

  it('emoji-subcategories: the same images and split as emoji, in 98 finer classes, each inside one category', async () => {
    const shape = { size: 8, channels: 4, fit: 'crop' } as const
    for (const split of ['train', 'test'] as const) {
      // Training sees every subcategory; the held-out fifth misses a few (scoring takes it unconditionally).
      const coarse = (await loadDataset({ kind: 'emoji' }, shape, split === 'train', split)).dataset
      const { dataset: fine, heldOut } = await loadDataset({ kind: 'emoji-subcategories' }, shape, split === 'train', split)
      expect(heldOut).toBe(split === 'test')
      expect(fine).toMatchObject({ name: 'emoji-subcategories', count: coarse.count, license: 'CC-BY-4.0' })
      expect(fine.pixels).toEqual(coarse.pixels)
      const categoryOf = new Map<number, number>()
      fine.labels.forEach((label, n) => {
        expect(categoryOf.get(label) ?? coarse.labels[n]).toBe(coarse.labels[n])
        categoryOf.set(label, coarse.labels[n]!)
      })
      if (split === 'train') expect(categoryOf.size).toBe(98)
    }
    const { classNames, labels } = (await loadDataset({ kind: 'emoji-subcategories' }, shape, true)).dataset
    expect(classNames).toHaveLength(98)
    expect(new Set(classNames).size).toBe(98)
    expect(classNames.slice(0, 2)).toEqual(['face-smiling', 'face-affection'])
    expect(classNames).toContain('sky-weather')
    expect(classNames.at(-1)).toBe('subdivision-flag')
    expect(labels[0]).toBe(0)
  })

  it('mnist keeps its exact floats at 28×28×1 and is resampled to bytes otherwise', async () => {
    const exact = await loadDataset({ kind: 'mnist' }, { size: 28, channels: 1, fit: 'crop' }, true)
    expect(exact.dataset.pixels).toBeInstanceOf(Float32Array)
    expect(exact.dataset.classNames).toHaveLength(10)
    const colour = await loadDataset({ kind: 'mnist' }, { size: 32, channels: 3, fit: 'crop' }, false)
    expect(colour.dataset).toMatchObject({ width: 32, channels: 3, count: exact.dataset.count })
    expect(colour.dataset.pixels).toBeInstanceOf(Uint8Array)
  })
})
