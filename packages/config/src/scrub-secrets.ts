import type { ServerConfig } from './types.js'

/**
 * Secrets at least this long are removed wherever they appear in a text. A
 * shorter one is removed only where it stands on its own (no letter, digit or
 * `_` right before or after it): a token `x` or a password `pw` would otherwise
 * turn every `x` of a message, or the `pw` of `upward`, into `***`.
 */
export const SCRUB_ANYWHERE_LENGTH = 8

/** A server's secret texts: its token, its password, and the HTTP Basic credential made of the user name and password. */
export function serverSecrets(server: Pick<ServerConfig, 'token' | 'username' | 'password'>): string[] {
  const values = [server.token?.reveal(), server.password?.reveal()].filter((v): v is string => v !== undefined && v !== '')
  if (server.password !== undefined) values.push(Buffer.from(`${server.username ?? ''}:${server.password.reveal()}`).toString('base64'))
  return values
}

const isWordCode = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f

/**
 * `text` with every secret replaced by `***`, longest secret first (so one that
 * holds another goes whole). Secrets shorter than {@link SCRUB_ANYWHERE_LENGTH}
 * are replaced only where they stand on their own.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret === '' || !out.includes(secret)) continue
    if (secret.length >= SCRUB_ANYWHERE_LENGTH) {
      out = out.split(secret).join('***')
      continue
    }
    let result = ''
    let from = 0
    for (let at = out.indexOf(secret); at >= 0; at = out.indexOf(secret, at + 1)) {
      const end = at + secret.length
      if (at < from || isWordCode(out.charCodeAt(at - 1)) || isWordCode(out.charCodeAt(end))) continue
      result += `${out.slice(from, at)}***`
      from = end
    }
    out = result + out.slice(from)
  }
  return out
}

/** `text` on one line: runs of whitespace made one space, none at either end. */
export const collapseWhitespace = (text: string): string => text.trim().replace(/\s+/g, ' ')

/**
 * Each secret as is and as it reads in {@link collapseWhitespace}d text: a
 * server may have collapsed a secret's whitespace before echoing it.
 */
export function collapsedSecretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret !== '') forms.add(secret)
    const collapsed = collapseWhitespace(secret)
    if (collapsed !== '') forms.add(collapsed)
  }
  return [...forms]
}

/**
 * `text` without a trailing beginning of a secret (3 characters or more): what
 * remains of a secret that a cut went through, if the text still held one.
 * Scrub a text with {@link scrubSecrets} BEFORE cutting it; where it was cut
 * (by you, or already by a read limit), this takes away what a cut through a
 * secret left.
 */
export function withoutSecretStart(text: string, secrets: readonly string[]): string {
  let cut = text.length
  for (const secret of secrets) {
    for (let n = Math.min(secret.length, text.length); n >= 3; n--) {
      if (text.endsWith(secret.slice(0, n))) {
        cut = Math.min(cut, text.length - n)
        break
      }
    }
  }
  return text.slice(0, cut)
}
