import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../backend/ladder.js'
import { loadMobileNetV2, MOBILENET_PREFIX, mobileNetV2Features, mobileNetV2Floats } from './mobilenet-v2.js'

/** scripts/extract-mobilenet.mjs's fixed input: two 32×32 gradients. */
function referenceInput(): tf.Tensor4D {
  return tf.tidy(() => {
    const [y, x] = tf.meshgrid(tf.linspace(0, 1, 32), tf.linspace(0, 1, 32), { indexing: 'ij' })
    const image = (a: number, b: number) => tf.stack([tf.mul(y!, a), tf.mul(x!, b), tf.abs(tf.sin(tf.mul(tf.add(x!, y!), 6 * b)))], 2)
    return tf.stack([image(1, 0.5), image(0.3, 1)]) as tf.Tensor4D
  })
}

describe('MobileNetV2 features', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it("reproduces nsfwjs's network at each tapped block, its batch normalisation folded, frozen", async () => {
    const { weights, asset } = loadMobileNetV2()
    const rgb = tfl.input({ shape: [32, 32, 3] })
    const model = tfl.model({ inputs: rgb, outputs: mobileNetV2Features(rgb, weights, [0, 2, 5]) })
    expect(model.trainableWeights).toHaveLength(0)
    expect(model.layers.slice(1).every((l) => l.name.startsWith(MOBILENET_PREFIX))).toBe(true)
    const outputs = model.predict(referenceInput()) as tf.Tensor[]
    expect(asset.reference.outputs.map((o) => o.shape)).toEqual([
      [2, 16, 16, 16],
      [2, 8, 8, 24],
      [2, 4, 4, 32],
    ])
    asset.reference.outputs.forEach((want, i) => {
      expect(outputs[i]!.shape).toEqual(want.shape)
      const expected = new Float32Array(Uint8Array.from(Buffer.from(want.values, 'base64')).buffer)
      const got = outputs[i]!.dataSync()
      let err = 0
      let scale = 0
      expected.forEach((v, j) => {
        err = Math.max(err, Math.abs(v - got[j]!))
        scale = Math.max(scale, Math.abs(v))
      })
      expect(err / scale, want.tap).toBeLessThan(1e-4)
    })
    tf.dispose([...outputs, ...Object.values(weights)])
    model.dispose()
  })

  it('passes gradients back to its input, through the depthwise convolutions', () => {
    const { weights } = loadMobileNetV2()
    const rgb = tfl.input({ shape: [32, 32, 3] })
    const model = tfl.model({ inputs: rgb, outputs: mobileNetV2Features(rgb, weights, [5]) })
    const grad = tf.grad((x: tf.Tensor) => tf.mean(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar)(referenceInput())
    expect(grad.shape).toEqual([2, 32, 32, 3])
    expect(tf.any(tf.notEqual(grad, 0)).dataSync()[0]).toBe(1)
    tf.dispose([grad, ...Object.values(weights)])
    model.dispose()
  })

  it("counts its layers' output floats for the memory estimate", () => {
    const { weights } = loadMobileNetV2()
    for (const [side, last] of [
      [32, 5],
      [12, 5],
      [32, 2],
    ] as const) {
      const rgb = tfl.input({ shape: [side, side, 3] })
      const model = tfl.model({ inputs: rgb, outputs: mobileNetV2Features(rgb, weights, [last]) })
      const floats = model.layers.slice(1).reduce((sum, l) => sum + (l.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1), 0)
      expect(mobileNetV2Floats(side, side, last), `${side} px to block ${last}`).toBe(floats)
      model.dispose()
    }
    tf.dispose(Object.values(weights))
  })

  it('refuses weights that are missing or do not match their digest, saying to reinstall', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-mobilenet-'))
    try {
      const url = pathToFileURL(`${dir}/`)
      expect(() => loadMobileNetV2(url)).toThrow(
        expect.objectContaining({
          code: 'ERR_BACKEND',
          message: expect.stringMatching(/weights of --pretrained-features are missing .*: reinstall @gan-sdk\/trainer\.$/),
        }),
      )
      const assets = new URL('../../assets/mobilenet-v2/', import.meta.url)
      await copyFile(new URL('model.json', assets), join(dir, 'model.json'))
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(214912))
      expect(() => loadMobileNetV2(url)).toThrow(
        expect.objectContaining({
          code: 'ERR_BACKEND',
          message: expect.stringMatching(/do not match their digest: reinstall @gan-sdk\/trainer\.$/),
        }),
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
