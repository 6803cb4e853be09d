import { decode } from 'fast-png'
import { TEMP_HOST_TAG } from '@gan-sdk/internal'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { readProvenance } from '../core/image.js'
import { rejectionOf } from '../testing/gan-error.js'
import { tinyGenerator } from '../testing/tiny-generator.js'
import { Generator } from '../node/node-generator.js'
import { bake, BAKE_SESSION_OPTIONS, type BakeEvent } from './bake.js'
import { mergeBakes } from './merge.js'

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'gan-bake-'))
  const model = join(dir, 'tiny.onnx')
  await writeFile(model, tinyGenerator({ channels: 3, width: 4, height: 3 }))
  return { dir, model, out: join(dir, 'out'), cacheDir: join(dir, 'cache') }
}

const files = async (dir: string) => (await readdir(dir)).filter((f) => !f.startsWith('gan-manifest')).sort()

describe('bake', () => {
  it('writes <model>-<seed>.png per seed, the same PNGs generate() gives, and a manifest', async () => {
    const { model, out, cacheDir } = await workspace()
    const result = await bake({ model, seeds: '0-2;hero', outDir: out, cacheDir })
    expect(await files(out)).toEqual(['tiny-0.png', 'tiny-1.png', 'tiny-2.png', 'tiny-hero.png'])
    expect(result).toMatchObject({ baked: 4, cached: 0, failed: 0 })
    const g = await Generator.load(model)
    for (const seed of [0, 'hero']) {
      const png = await readFile(join(out, `tiny-${seed}.png`))
      expect(Buffer.compare(png, Buffer.from((await g.generate(seed)).toPNG()))).toBe(0)
      expect(readProvenance(png)).toMatchObject({ seed, modelSha256: g.sha256 })
    }
    const manifest = JSON.parse(await readFile(join(out, 'gan-manifest.json'), 'utf8'))
    expect(manifest).toMatchObject({
      format: 'gan-sdk-bake',
      version: 1,
      model: { name: 'tiny', sha256: g.sha256 },
      options: { format: 'png', size: null, truncation: 1 },
    })
    expect(manifest.images.map((i: { file: string; seed: unknown; width: number }) => [i.file, i.seed, i.width])).toEqual([
      ['tiny-0.png', 0, 4],
      ['tiny-1.png', 1, 4],
      ['tiny-2.png', 2, 4],
      ['tiny-hero.png', 'hero', 4],
    ])
  })

  it('loads the model it is given by name or path with onnxruntime threads that do not spin (BAKE_SESSION_OPTIONS)', async () => {
    const { model, out, cacheDir } = await workspace()
    const load = vi.spyOn(Generator, 'load')
    await bake({ model, seeds: '1', outDir: out, cacheDir })
    expect(load).toHaveBeenCalledWith(model, { sessionOptions: BAKE_SESSION_OPTIONS })
    load.mockRestore()
  })

  it('a re-run with nothing changed runs no inference and rewrites nothing', async () => {
    const { model, out, cacheDir } = await workspace()
    await bake({ model, seeds: '0-9', outDir: out, cacheDir })
    const mtimes = await Promise.all((await files(out)).map(async (f) => (await stat(join(out, f))).mtimeMs))
    const manifest = async () => {
      const { ino, mtimeMs } = await stat(join(out, 'gan-manifest.json'))
      return { ino, mtimeMs }
    }
    const before = await manifest()
    const g = await Generator.load(model)
    const generateBatch = vi.spyOn(g, 'generateBatch')
    const events: BakeEvent[] = []
    const again = await bake({ model: g, seeds: '0-9', outDir: out, cacheDir, onProgress: (e) => events.push(e) })
    expect(generateBatch).not.toHaveBeenCalled()
    expect(again).toMatchObject({ baked: 0, cached: 10 })
    expect(events.at(-1)).toMatchObject({ type: 'done', baked: 0, cached: 10, reasons: { unchanged: 10 } })
    expect(await Promise.all((await files(out)).map(async (f) => (await stat(join(out, f))).mtimeMs))).toEqual(mtimes)
    // The manifest too: same bytes, so not replaced (watchers, rsync and make see no change).
    expect(await manifest()).toEqual(before)
  })

  it('says why it re-bakes: options changed, model changed, file missing; the cache spares inference when it can', async () => {
    const { model, out, cacheDir, dir } = await workspace()
    await bake({ model, seeds: '0-3', outDir: out, cacheDir })
    const reasons = async (options: { truncation?: number; model?: string }) => {
      const events: BakeEvent[] = []
      const result = await bake({ model, seeds: '0-3', outDir: out, cacheDir, ...options, onProgress: (e) => events.push(e) })
      return { ...(events.at(-1) as { reasons: object }).reasons, baked: result.baked }
    }
    expect(await reasons({ truncation: 0.5 })).toEqual({ 'options changed': 4, baked: 4 })
    expect(await reasons({})).toEqual({ 'options changed': 4, baked: 0 }) // back to ψ = 1: all in the cache
    await rm(join(out, 'tiny-2.png'))
    expect(await reasons({})).toEqual({ unchanged: 3, 'file missing': 1, baked: 0 })
    const other = join(dir, 'tiny.onnx')
    await writeFile(other, tinyGenerator({ channels: 3, width: 4, height: 3, latentSize: 9 }))
    expect(await reasons({ model: other })).toEqual({ 'model changed': 4, baked: 4 })
  })

  it('stores each file once: the output is a hard link to its cache entry, and an in-place edit of it does not poison the cache', async () => {
    const { model, out, cacheDir } = await workspace()
    const [first] = (await bake({ model, seeds: '7', outDir: out, cacheDir })).images
    const entry = join(cacheDir, first!.key.slice(0, 2), `${first!.key}.${first!.sha256}`)
    expect((await stat(first!.path)).ino).toBe((await stat(entry)).ino)
    await writeFile(first!.path, 'edited in place') // the same inode: the cache entry changes with it
    const g = await Generator.load(model)
    const generateBatch = vi.spyOn(g, 'generateBatch')
    const [again] = (await bake({ model: g, seeds: '7', outDir: out, cacheDir })).images
    expect(again).toMatchObject({ reason: 'file changed', cached: false, sha256: first!.sha256 })
    expect(generateBatch).toHaveBeenCalledTimes(1)
    expect(Buffer.compare(await readFile(first!.path), Buffer.from((await g.generate(7)).toPNG()))).toBe(0)
  })

  it('removes the temp files a killed bake left in the output and beside the cache entries', async () => {
    const { model, out, cacheDir } = await workspace()
    const [first] = (await bake({ model, seeds: '7', outDir: out, cacheDir })).images
    const prefixDir = join(cacheDir, first!.key.slice(0, 2))
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const host = TEMP_HOST_TAG
    const stale = [
      join(out, `tiny-8.png.${host}-${dead}-1-1.gan.tmp`),
      join(prefixDir, `${first!.key}.${'0'.repeat(64)}.${host}-${dead}-1-2.gan.tmp`),
    ]
    await Promise.all(stale.map((path) => writeFile(path, 'half')))
    await bake({ model, seeds: '7', outDir: out, cacheDir })
    expect(await readdir(out)).toEqual(['gan-manifest.json', 'tiny-7.png'])
    expect(await readdir(prefixDir)).toEqual([`${first!.key}.${first!.sha256}`])
  })

  it.each([
    ['outDir', (dir: string) => ({ outDir: join(dir, 'tiny.onnx', 'sub'), cacheDir: join(dir, 'cache') }), /tiny\.onnx\/sub\/tiny-1\.png/],
    [
      'cacheDir',
      (dir: string) => ({ outDir: join(dir, 'out'), cacheDir: join(dir, 'tiny.onnx', 'sub') }),
      /tiny\.onnx\/sub\/[0-9a-f]{2}\/[0-9a-f]{64}\.[0-9a-f]{64}/,
    ],
  ])('an %s that cannot be written (under a file) is ERR_WRITE naming the path', async (_, dirs, path) => {
    const { model, dir } = await workspace()
    const err = await rejectionOf(bake({ model, seeds: '1', ...dirs(dir) }))
    expect([err.code, err.message]).toEqual(['ERR_WRITE', expect.stringMatching(/cannot write ".*" \((ENOTDIR|EEXIST)\): pass an outDir/)])
    expect(err.message).toMatch(path)
  })

  it('shards are disjoint and their merge is the unsharded bake, byte for byte', async () => {
    const { model, dir, cacheDir } = await workspace()
    const whole = join(dir, 'whole')
    await bake({ model, seeds: '0-9;a;b', outDir: whole, cacheDir: join(dir, 'c0') })
    const parts = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const outDir = join(dir, `shard-${i}`)
        await bake({ model, seeds: '0-9;a;b', outDir, cacheDir: join(cacheDir, String(i)), shard: `${i}/3` })
        return outDir
      }),
    )
    const sizes = await Promise.all(parts.map(async (p) => (await files(p)).length))
    expect(sizes).toEqual([4, 4, 4])
    const merged = join(dir, 'merged')
    expect(await mergeBakes(parts, merged)).toMatchObject({ images: 12, copied: 12 })
    expect(await files(merged)).toEqual(await files(whole))
    for (const f of await readdir(whole)) expect(Buffer.compare(await readFile(join(merged, f)), await readFile(join(whole, f)))).toBe(0)
  })

  it('merging refuses missing, repeated or foreign shards', async () => {
    const { model, dir, cacheDir } = await workspace()
    const shard = (i: number, seeds = '0-5') =>
      bake({ model, seeds, outDir: join(dir, `s${i}-${seeds}`), cacheDir: join(cacheDir, `s${i}-${seeds}`), shard: `${i}/2` }).then(() =>
        join(dir, `s${i}-${seeds}`),
      )
    const [one, two, foreign] = await Promise.all([shard(1), shard(2), shard(2, '0-6')])
    expect((await rejectionOf(mergeBakes([one], join(dir, 'm1')))).message).toMatch(/shards \[2\] of 2 are missing/)
    expect((await rejectionOf(mergeBakes([one, one], join(dir, 'm2')))).message).toMatch(/shard 1\/2 appears twice/)
    expect((await mergeBakes([one, two], join(dir, 'm3'))).images).toBe(6)
    // Same model and options, other seeds: its images would mix two bakes.
    expect((await rejectionOf(mergeBakes([one, foreign], join(dir, 'm4')))).message).toMatch(
      /is from another bake \(model, options, SDK version, shard count, seeds or labels differ/,
    )
    // A folder without a shard manifest (an unsharded bake) would drop out of the result unnoticed.
    const whole = join(dir, 'whole')
    await bake({ model, seeds: '0-5', outDir: whole, cacheDir })
    expect((await rejectionOf(mergeBakes([one, two, whole], join(dir, 'm5')))).message).toContain(
      `no shard manifests (gan-manifest.<i>-of-<n>.json) in ${JSON.stringify(whole)}: pass only the output directories of bakes with --shard i/n.`,
    )
  })

  it('conditional models: a file per seed and label, or the seed’s own class', async () => {
    const { dir, cacheDir } = await workspace()
    const model = join(dir, 'cond.onnx')
    await writeFile(model, tinyGenerator({ labels: ['cat', 'dog', 'owl'] }))
    await bake({ model, seeds: '0-1', labels: ['owl', 0], outDir: join(dir, 'a'), cacheDir })
    expect(await files(join(dir, 'a'))).toEqual(['cond-0-cat.png', 'cond-0-owl.png', 'cond-1-cat.png', 'cond-1-owl.png'])
    await bake({ model, seeds: '0-2', outDir: join(dir, 'b'), cacheDir })
    expect(await files(join(dir, 'b'))).toEqual(['cond-0-cat.png', 'cond-1-dog.png', 'cond-2-owl.png'])
    expect((await rejectionOf(bake({ model, seeds: '0', labels: ['cow'], outDir: join(dir, 'c'), cacheDir }))).code).toBe(
      'ERR_INVALID_LABEL',
    )
  })

  it('WebP and AVIF (sharp) at a new size carry the provenance in XMP', async () => {
    const { model, out, cacheDir } = await workspace()
    const sharp = (await import('sharp')).default
    for (const format of ['webp', 'avif'] as const) {
      const { images } = await bake({ model, seeds: '5', format, size: 16, outDir: out, cacheDir })
      const meta = await sharp(await readFile(images[0]!.path)).metadata()
      expect([meta.format === 'heif' ? 'avif' : meta.format, meta.width, meta.height]).toEqual([format, 16, 16])
      expect(meta.xmp?.toString()).toMatch(/gansdk:provenance="\{&quot;model&quot;:&quot;tiny&quot;/)
      expect(images[0]).toMatchObject({ file: `tiny-5.${format}`, width: 16, height: 16 })
    }
    const png = await bake({ model, seeds: '5', size: 8, outDir: out, cacheDir })
    expect(decode(await readFile(png.images[0]!.path))).toMatchObject({ width: 8, height: 8 })
  })

  it.each([
    [{ seeds: '3-1' }, 'ERR_INVALID_SEED', /seed range "3-1" is invalid/],
    [{ seeds: '1', format: 'gif' }, 'ERR_INVALID_OPTION', /format "gif" is unknown: pass one of: png, webp, avif/],
    [{ seeds: '1', size: 0 }, 'ERR_INVALID_OPTION', /size 0 is invalid/],
    [{ seeds: '1', quality: 50 }, 'ERR_INVALID_OPTION', /quality 50 is invalid for PNG, which is lossless/],
    [{ seeds: '1', shard: '3/2' }, 'ERR_INVALID_OPTION', /shard "3\/2" is invalid/],
    [{ seeds: '1', truncation: 2 }, 'ERR_INVALID_OPTION', /truncation 2 is invalid/],
    [{ seeds: '1', labels: ['a'] }, 'ERR_INVALID_LABEL', /this model is unconditional/],
    [{ seeds: '1', colour: 'red' }, 'ERR_INVALID_OPTION', /bake option "colour" is unknown/],
  ])('%j → %s', async (options, code, message) => {
    const { model, out, cacheDir } = await workspace()
    const err = await rejectionOf(bake({ model, outDir: out, cacheDir, ...(options as object) } as never))
    expect([err.code, err.message]).toEqual([code, expect.stringMatching(message)])
  })
})
