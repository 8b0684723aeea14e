import fs from 'node:fs'
import { ConflictingKeysError, InvalidValueError, SecretUnavailableError } from './errors.js'
import { SECRET_SOURCES } from './keys.js'
import type { Locations } from './locations.js'
import { REDACTED, Secret } from './secret.js'
import { invalidUtf8At } from './utf8.js'

export interface SecretContext {
  locations: Locations
  env: NodeJS.ProcessEnv
  /** Resolves a path value of the file (relative to the file's directory, `~` expanded). */
  resolvePath: (value: string) => string
  warnings: string[]
}

/** `group`, `others` or `group and others` when a file's mode lets them read it. */
export function readableBy(mode: number): string | undefined {
  const who = [mode & 0o040 ? 'group' : '', mode & 0o004 ? 'others' : ''].filter(Boolean)
  return who.length === 0 ? undefined : who.join(' and ')
}

/**
 * A token never holds whitespace: it is trimmed. A password may hold any character, spaces at either
 * end included: only the line ending(s) an editor or `echo` puts at the end of a file are dropped.
 */
export function cleanSecret(what: keyof typeof SECRET_SOURCES, text: string): string {
  return what === 'token' ? text.trim() : text.replace(/[\r\n]+$/, '')
}

function readSecretFile(path: string, what: keyof typeof SECRET_SOURCES, fail: (problem: string, cause?: unknown) => never, warnings: string[]): string {
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(path)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error'
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code
    return fail(`cannot read the ${what} file ${path}: ${reason}`, cause)
  }
  // Decoding would put U+FFFD in place of a byte that is not UTF-8: a password that can never match.
  if (invalidUtf8At(bytes) !== undefined) fail(`the ${what} file ${path} is not valid UTF-8 (perhaps saved as Latin-1); save it as UTF-8`)
  // A leading U+FEFF is the byte order mark some editors (Windows Notepad) write, not part of the secret.
  const value = cleanSecret(what, bytes.toString('utf8').replace(/^\uFEFF/, ''))
  if (value.trim() === '') fail(`the ${what} file ${path} is empty`)
  const who = readableBy(fs.statSync(path).mode)
  if (who !== undefined) warnings.push(`${path} holds a ${what} and is readable by ${who}; run \`chmod 600 ${path}\``)
  return value
}

/**
 * Why a token cannot go into the `Authorization: Token ...` header, or undefined when it can. Node
 * refuses to send a header holding a control character or a character above U+00FF (a request
 * would crash), and one between U+0080 and U+00FF would be sent as a Latin-1 byte no server
 * expects: only printable ASCII is taken. Says what and where, never the character itself.
 */
function tokenCharacterProblem(value: string, label = 'the token'): string | undefined {
  const at = value.search(/[^\x20-\x7e]/)
  if (at < 0) return undefined
  const code = value.codePointAt(at)!
  const kind = code < 0x20 || code === 0x7f ? 'a control character (a tab, newline or other invisible character)' : 'a non-ASCII character (perhaps a typographic quote such as “ ” ‘ ’, a non-breaking space or an accented letter)'
  return `character ${at + 1} of ${label} is ${kind}: a token is sent in an HTTP header and may hold only printable ASCII (value not shown)`
}

/**
 * The server's `token` or `password`, from exactly one of `<what>`, `<what>_env`, `<what>_file`.
 * Messages name the variable or file, never the secret. A token must be printable ASCII (it is sent
 * as a header as it is); a password may hold any character (it is sent base64-encoded). Neither may
 * be `***`, the placeholder print-config writes.
 */
export function resolveSecret(what: keyof typeof SECRET_SOURCES, server: Record<string, string>, section: string, ctx: SecretContext): Secret | undefined {
  const [, envKey, fileKey] = SECRET_SOURCES[what]
  const source = SECRET_SOURCES[what].find((k) => server[k] !== undefined)
  const secret = readSecret(what, server, section, ctx)
  if (secret === undefined) return undefined
  const label = source === envKey ? `the ${what} in environment variable ${server[envKey]}` : source === fileKey ? `the ${what} read from the ${what} file` : `the ${what}`
  if (secret.reveal() === REDACTED) {
    // `print-config --current` writes every secret as ***: its output, loaded back, must not send *** as the secret.
    throw new InvalidValueError(`${label} is ${REDACTED}, the placeholder print-config writes instead of a secret; set the real ${what}`, ctx.locations.at(section, source))
  }
  if (what === 'token') {
    const problem = tokenCharacterProblem(secret.reveal(), label)
    if (problem !== undefined) throw new InvalidValueError(problem, ctx.locations.at(section, source))
  }
  return secret
}

function readSecret(what: keyof typeof SECRET_SOURCES, server: Record<string, string>, section: string, ctx: SecretContext): Secret | undefined {
  const [literal, envKey, fileKey] = SECRET_SOURCES[what]
  const set = SECRET_SOURCES[what].filter((k) => server[k] !== undefined)
  if (set.length > 1) throw new ConflictingKeysError(`set only one of ${set.join(', ')} (the ${what} has one source)`, ctx.locations.at(section, set[1]))
  if (server[literal] !== undefined) return new Secret(server[literal])
  if (server[envKey] !== undefined) {
    const name = server[envKey]
    const value = ctx.env[name]
    // A value that is no conventional variable name may be the secret itself, pasted into the wrong key.
    const variable = /^[A-Z_][A-Z0-9_]*$/.test(name) ? `environment variable ${name}` : `the environment variable named by ${envKey} (not shown: it does not look like a variable name; if it is the ${what} itself, use ${fileKey} or ${literal})`
    if (value === undefined) throw new SecretUnavailableError(`${variable} is not set (it should hold the ${what})`, ctx.locations.at(section, envKey))
    if (value.trim() === '') throw new SecretUnavailableError(`${variable} is empty (it should hold the ${what})`, ctx.locations.at(section, envKey))
    return new Secret(cleanSecret(what, value))
  }
  if (server[fileKey] !== undefined) {
    const path = ctx.resolvePath(server[fileKey])
    // A bare word (no / . or ~) may be the secret itself, pasted into the wrong key: never echo it.
    const shown = /[/.~]/.test(server[fileKey]) ? path : `named by ${fileKey} (not shown: it has no / or . and may be the ${what} itself; if so, use ${envKey} or ${literal})`
    const fail = (problem: string, cause?: unknown): never => {
      // The cause (Node's ENOENT error) names the path too: kept only when the path may be shown.
      throw new SecretUnavailableError(problem.replaceAll(path, shown), ctx.locations.at(section, fileKey), shown === path ? { cause } : {})
    }
    return new Secret(readSecretFile(path, what, fail, ctx.warnings))
  }
  return undefined
}
