import { GanError } from './errors.js'

/**
 * The bytes of a fetched model, or ERR_MODEL_NOT_FOUND naming the URL: for an HTTP error, and for
 * an HTML page where the model should be (a page about the file, such as a GitHub or Hugging Face
 * `blob` page, or the index page that a single-page app's host answers for a path it lacks).
 */
export async function modelResponseBytes(url: string, response: Response): Promise<Uint8Array> {
  if (!response.ok) {
    await response.body?.cancel()
    throw new GanError(
      'ERR_MODEL_NOT_FOUND',
      `model URL ${JSON.stringify(url)} answered HTTP ${response.status} ${response.statusText}: check the address.`,
    )
  }
  if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) {
    await response.body?.cancel()
    throw new GanError(
      'ERR_MODEL_NOT_FOUND',
      `model URL ${JSON.stringify(url)} answered with an HTML page, not a model: check the address. A page about the file (a GitHub or Hugging Face "blob" page) is not the file: use its raw download URL; a single-page app's host answers a path it does not have with its index page.`,
    )
  }
  return new Uint8Array(await response.arrayBuffer())
}
