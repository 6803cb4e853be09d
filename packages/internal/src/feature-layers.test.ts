import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { FeatureInput, Gain, registerFeatureLayers } from './feature-layers.js'

describe("the feature judge's layers", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })

  it('FeatureInput composites RGBA over white, rescales RGB and repeats grey, into RGB in [0, 1]', () => {
    const layer = new FeatureInput()
    const run = (values: number[], channels: number) =>
      Array.from((layer.apply(tf.tensor4d(values, [1, 1, 1, channels])) as tf.Tensor).dataSync())
    // Clear red is white; opaque red is red; half-clear black is mid grey.
    expect(run([1, -1, -1, -1], 4)).toEqual([1, 1, 1])
    expect(run([1, -1, -1, 1], 4)).toEqual([1, 0, 0])
    expect(run([-1, -1, -1, 0], 4)).toEqual([0.5, 0.5, 0.5])
    expect(run([0, 1, -1], 3)).toEqual([0.5, 1, 0])
    expect(run([0], 1)).toEqual([0.5, 0.5, 0.5])
    expect(() => layer.apply(tf.zeros([1, 1, 1, 2]))).toThrow('FeatureInput takes 1, 3 or 4 channels, got 2.')
  })

  it('Gain starts at 0, multiplies by its weight, and a model holding both loads from its JSON once registered', async () => {
    const input = tfl.input({ shape: [2, 2, 4] })
    const rgb = new FeatureInput({ name: 'feature_input' }).apply(input) as tfl.SymbolicTensor
    const mean = tfl.layers.globalAveragePooling2d({}).apply(rgb) as tfl.SymbolicTensor
    const model = tfl.model({ inputs: input, outputs: new Gain({ name: 'gain' }).apply(mean) as tfl.SymbolicTensor })
    const gain = model.getLayer('gain')
    expect(gain.getWeights()[0]!.dataSync()).toEqual(Float32Array.of(0))
    expect(gain.weights.map((w) => w.originalName)).toEqual(['gain/gain'])
    gain.setWeights([tf.scalar(3)])
    // Opaque white and opaque black, two pixels each: a mean of 0.5 in each channel, times 3.
    const x = tf.tensor4d([1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, 1, -1, -1, -1, 1], [1, 2, 2, 4])
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual([1.5, 1.5, 1.5])

    registerFeatureLayers()
    registerFeatureLayers()
    const classes = tf.serialization.SerializationMap.getMap().classNameMap
    expect([classes['FeatureInput']?.[0], classes['Gain']?.[0]]).toEqual([FeatureInput, Gain])
    const copy = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] })
    expect(copy.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'FeatureInput', 'GlobalAveragePooling2D', 'Gain'])
  })
})
