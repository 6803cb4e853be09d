import { describe, expect, it } from 'vitest'
import { exportOnnx } from '../testing/checked-export.js'
import { artifactsOf, dcgan, randomize } from '../testing/fixtures.js'

/** The artifacts with value `index` of weight `name` replaced. */
function poisoned(artifacts: Awaited<ReturnType<typeof artifactsOf>>, name: RegExp, index: number, value: number) {
  const data = new Float32Array((artifacts.weightData as ArrayBuffer).slice(0))
  let offset = 0
  for (const spec of artifacts.weightSpecs!) {
    if (name.test(spec.name)) data[offset + index] = value
    offset += spec.shape.reduce((a, b) => a * b, 1)
  }
  return { ...artifacts, weightData: data.buffer }
}

describe('weights are checked before anything is written', () => {
  it.each([NaN, Infinity, -Infinity])('%f in a weight is ERR_INVALID_WEIGHTS, with or without verification', async (value) => {
    const artifacts = poisoned(await artifactsOf(randomize(dcgan({ latent: 4 }), 51)), /conv2d_transpose.*\/kernel$/, 5, value)
    for (const verify of [true, false]) {
      await expect(exportOnnx(artifacts, { verify })).rejects.toMatchObject({
        code: 'ERR_INVALID_WEIGHTS',
        message: expect.stringMatching(
          new RegExp(
            `weight conv2d_transpose\\S*/kernel holds 1 non-finite value \\(NaN or ±Infinity, the first ${value} at index 5 of \\d+\\); the model cannot make valid outputs\\. Retrain`,
          ),
        ),
      })
    }
  })

  it('a batch-norm variance at or below −epsilon is ERR_INVALID_WEIGHTS', async () => {
    const artifacts = poisoned(await artifactsOf(randomize(dcgan({ latent: 4 }), 52)), /moving_variance$/, 0, -1)
    await expect(exportOnnx(artifacts, { verify: false })).rejects.toMatchObject({
      code: 'ERR_INVALID_WEIGHTS',
      message: expect.stringMatching(/BatchNormalization layer ".*" has a moving variance of -1 with epsilon 0\.001/),
    })
  })

  it('finite weights whose outputs overflow in TF.js fail parity blaming the model, not the converter', async () => {
    const artifacts = poisoned(await artifactsOf(randomize(dcgan({ latent: 4 }), 53)), /^dense.*\/kernel$/, 0, 3e38)
    const err = await exportOnnx(artifacts, { optimize: false }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_PARITY',
      message: expect.stringMatching(/TF\.js itself outputs NaN or ±Infinity .*The model is broken, not its conversion/),
    })
    expect((err as Error).message).not.toMatch(/converter bug/)
  })
})
