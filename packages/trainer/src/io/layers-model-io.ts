import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-write.js'

/**
 * TF.js LayersModel checkpoints as `model.json` + `weights.bin`, the standard TF.js layout, written
 * by our code because without tfjs-node there is no `file://` handler. The weights are written
 * before model.json, so a model.json on disk always points at complete weights.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData
      if (weightData === undefined || artifacts.weightSpecs === undefined) {
        throw new Error(`[gan-train] model "${model.name}" produced no weights to save`)
      }
      const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData))
      await writeFileAtomic(join(dir, 'weights.bin'), bytes)
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      }
      await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson))
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }),
  )
}

/** Load a checkpoint written by {@link saveLayersModel} (or any single-shard TF.js layers model). */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON
  const manifest = json.weightsManifest
  const specs = manifest.flatMap((group) => group.weights)
  const shards = await Promise.all(manifest.flatMap((group) => group.paths).map(async (p) => new Uint8Array(await readFile(join(dir, p)))))
  const total = shards.reduce((n, s) => n + s.byteLength, 0)
  const weightData = new Uint8Array(total)
  let offset = 0
  for (const shard of shards) {
    weightData.set(shard, offset)
    offset += shard.byteLength
  }
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: weightData.buffer }))
}
