import { GanError } from '../core/errors.js'
import { modelResponseBytes } from '../core/model-response.js'

/** The bytes of a model at a URL (or a path relative to the page), fetched; ERR_MODEL_NOT_FOUND when it cannot be. */
export async function fetchModel(source: string | URL): Promise<Uint8Array> {
  const url = String(source)
  let response: Response
  try {
    response = await fetch(url)
  } catch (err) {
    throw new GanError(
      'ERR_MODEL_NOT_FOUND',
      `model URL ${JSON.stringify(url)} cannot be fetched (${(err as Error).message}): check the address, and that the server allows this page to fetch it (CORS).`,
      { cause: err },
    )
  }
  return modelResponseBytes(url, response)
}
