import { collapsedSecretForms, collapseWhitespace, scrubSecrets, withoutSecretStart } from '@eht-influx-client/config'

/** How much of a server's answer `check` shows. */
export const MESSAGE_MAX = 200

/**
 * The server's own words from an error body ({"error": ...}, {"message": ...} or text), on one
 * line and short, with every secret replaced by `***`. A server may echo the Authorization
 * header it was sent: the secrets are removed BEFORE the text is cut, as a cut through a secret
 * would leave its beginning where no scrub finds it. `bodyCut`: the body was read only up to a
 * limit, so it may end in the beginning of a secret; that is dropped too.
 */
export function serverMessage(body: string, secrets: readonly string[], bodyCut: boolean): string {
  let text = body.trim()
  let whole = false
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown }
    whole = true
    if (typeof parsed.error === 'string') text = parsed.error
    else if (typeof parsed.message === 'string') text = parsed.message
  } catch {
    // not JSON: the text itself
  }
  // Scrubbed before its whitespace is collapsed (a secret with two spaces in a row would no longer match), and
  // after it with each secret's own whitespace collapsed too (a server may have collapsed it already).
  const forms = collapsedSecretForms(secrets)
  text = scrubSecrets(collapseWhitespace(scrubSecrets(text, secrets)), forms)
  // A body that parsed as JSON was read whole; any other text read up to the limit may end mid-secret.
  if (bodyCut && !whole) text = withoutSecretStart(text, forms).trimEnd()
  return text.length > MESSAGE_MAX ? `${withoutSecretStart(text.slice(0, MESSAGE_MAX), forms)}...` : text
}
