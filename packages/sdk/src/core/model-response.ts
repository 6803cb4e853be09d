import { GanError } from './errors.js'

/**
 * The bytes of a fetched model, or ERR_MODEL_NOT_FOUND naming the URL: for an HTTP error, and for
 * an HTML page, which is how the hosts of single-page apps (`vite preview`, many static hosts)
 * answer a path they do not have.
 */
export async function modelResponseBytes(url: string, response: Response): Promise<Uint8Array> {
  if (!response.ok) {
    throw new GanError(
      'ERR_MODEL_NOT_FOUND',
      `model URL ${JSON.stringify(url)} answered HTTP ${response.status} ${response.statusText}: check the address.`,
    )
  }
  if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) {
    await response.body?.cancel()
    throw new GanError(
      'ERR_MODEL_NOT_FOUND',
      `model URL ${JSON.stringify(url)} answered with an HTML page, not a model: a server that answers every path with its index page (a single-page app's host) does not have the file there. Check the address, and that the .onnx file is served.`,
    )
  }
  return new Uint8Array(await response.arrayBuffer())
}
