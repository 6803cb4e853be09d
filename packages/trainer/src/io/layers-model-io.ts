import { LayersModelFilesError, readLayersModelFiles, writeLayersModelFiles } from '@gan-sdk/internal'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { TrainError } from '../errors.js'
import { writeError } from './run-files.js'

/**
 * Save a TF.js LayersModel checkpoint as `dir/model.json` + `dir/weights.bin`, the standard TF.js
 * layout, through the shared writer: without tfjs-node there is no `file://` handler.
 * @throws TrainError `ERR_CHECKPOINT` when the model has no weights, `ERR_WRITE` when a file cannot be written.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      try {
        await writeLayersModelFiles(dir, artifacts)
      } catch (err) {
        if (err instanceof LayersModelFilesError) {
          throw new TrainError('ERR_CHECKPOINT', `model ${JSON.stringify(model.name)}: ${err.message}; build it before saving.`, {
            cause: err,
          })
        }
        throw writeError(dir, err)
      }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }),
  )
}

/**
 * Load a checkpoint written by {@link saveLayersModel} (or any TF.js layers model): a directory
 * holding `model.json`, or the `model.json` itself.
 * @throws TrainError `ERR_CHECKPOINT` saying what is missing or wrong.
 */
export async function loadLayersModel(path: string): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts
  try {
    artifacts = await readLayersModelFiles(path)
  } catch (err) {
    if (err instanceof LayersModelFilesError) {
      throw new TrainError('ERR_CHECKPOINT', `${err.message}: pass a checkpoint directory that train() wrote, e.g. runs/mnist/generator.`, {
        cause: err,
      })
    }
    throw err
  }
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts))
}
