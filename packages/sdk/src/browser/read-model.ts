import { fetchModelBytes } from '../core/model-response.js'

/** The bytes of a model at a URL (or a path relative to the page), fetched; ERR_MODEL_NOT_FOUND when it cannot be. */
export async function fetchModel(source: string | URL): Promise<Uint8Array> {
  return fetchModelBytes(String(source), 'check the address, and that the server allows this page to fetch it (CORS)')
}
