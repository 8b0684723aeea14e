import { scrubSecrets, serverSecrets, withoutSecretStart, type ServerConfig } from '@eht-influx-client/config'

type Credentials = Pick<ServerConfig, 'token' | 'username' | 'password'>

/** The longest a server's answer is kept in an error message. */
export const SERVER_TEXT_MAX = 2000

/**
 * A server's text (an error body, a line of an answer) for a message: the
 * server's token, password and Basic credential replaced by `***` FIRST, then
 * cut to `max` characters. Cut first, a secret the cut went through would no
 * longer match and its start would stay. Where the text was cut (here, or
 * already by a read limit: `cut`), a trailing beginning of a secret (what a
 * cut through it left) goes too. A server may echo the request's
 * Authorization header (a proxy's login page, an error page).
 */
export function serverText(text: string, server: Credentials, options: { max?: number; cut?: boolean } = {}): string {
  const secrets = serverSecrets(server)
  const max = options.max ?? SERVER_TEXT_MAX
  let out = scrubSecrets(text, secrets).trim()
  let cut = options.cut === true
  if (out.length > max) {
    out = out.slice(0, max - 3)
    cut = true
  }
  return cut ? `${withoutSecretStart(out, secrets)}...` : out
}

/**
 * A copy of an error met talking to a server, safe to attach as `cause`: its
 * name, status and code, and its message and body with the secrets taken out
 * (see serverText). The official client's HttpError carries the server's
 * whole answer in its message and `body`, and `console.error(error)` prints a
 * cause with all its properties: a server echoing the token would show it.
 */
export function scrubbedError(error: unknown, server: Credentials): Error {
  const original = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; statusCode?: unknown; code?: unknown; body?: unknown }
  const message = typeof original.message === 'string' ? original.message : String(error)
  const copy = new Error(serverText(message, server)) as Error & { statusCode?: number; code?: string; body?: string }
  if (typeof original.name === 'string') copy.name = original.name
  if (typeof original.statusCode === 'number') copy.statusCode = original.statusCode
  if (typeof original.code === 'string') copy.code = original.code
  if (typeof original.body === 'string') copy.body = serverText(original.body, server)
  // The stack was taken with the scrubbed message; it names this function, not the client's code, which is no loss.
  return copy
}
