import { GanError } from './errors.js'

/**
 * The bytes of the model at `url`, fetched (`fetch`, in Node and in browsers); ERR_MODEL_NOT_FOUND
 * naming the URL when it cannot be: unreachable (with `unreachableFix`, the platform's advice), or
 * as {@link modelResponseBytes} refuses the answer.
 */
export async function fetchModelBytes(url: string, unreachableFix: string): Promise<Uint8Array> {
  let response: Response
  try {
    response = await fetch(url)
  } catch (err) {
    // Node's fetch hides the system error (ECONNREFUSED, ENOTFOUND) in its cause.
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause
    throw new GanError(
      'ERR_MODEL_NOT_FOUND',
      `model URL ${JSON.stringify(url)} cannot be fetched (${cause?.code ?? cause?.message ?? (err as Error).message}): ${unreachableFix}.`,
      { cause: err },
    )
  }
  return modelResponseBytes(url, response)
}

/**
 * The bytes of a fetched model, or ERR_MODEL_NOT_FOUND naming the URL: for an HTTP error, and for
 * an HTML page where the model should be (a page about the file, such as a GitHub or Hugging Face
 * `blob` page, or the index page that a single-page app's host answers for a path it lacks).
 */
export async function modelResponseBytes(url: string, response: Response): Promise<Uint8Array> {
  const refused = !response.ok
    ? `answered HTTP ${response.status} ${response.statusText}: check the address.`
    : /^text\/html\b/i.test(response.headers.get('content-type') ?? '')
      ? `answered with an HTML page, not a model: check the address. A page about the file (a GitHub or Hugging Face "blob" page) is not the file: use its raw download URL; a single-page app's host answers a path it does not have with its index page.`
      : undefined
  if (refused === undefined) return new Uint8Array(await response.arrayBuffer())
  // Unread, the body would hold the connection until garbage collection.
  await response.body?.cancel()
  throw new GanError('ERR_MODEL_NOT_FOUND', `model URL ${JSON.stringify(url)} ${refused}`)
}
