const BRAND = Symbol.for('@eht-influx-client/config.ConfigError')

/** Where a configuration problem is: every part is optional, the message names those known. */
export interface ConfigErrorLocation {
  /** Absolute path of the configuration file (undefined for text given to `parseConfig` without a source). */
  file?: string | undefined
  line?: number | undefined
  column?: number | undefined
  /** The section as written, e.g. `retry` or `server.local`. */
  section?: string | undefined
  key?: string | undefined
  /** The environment variable the value came from, when it came from one. */
  variable?: string | undefined
}

/** `file:line:column`, then the environment variable, then `[section] key`. */
export function formatLocation(at: ConfigErrorLocation): string {
  const parts: string[] = []
  if (at.line !== undefined) parts.push(`${at.file ?? '(config text)'}:${at.line}${at.column === undefined ? '' : `:${at.column}`}`)
  else if (at.file !== undefined) parts.push(at.file)
  if (at.variable !== undefined) parts.push(`environment variable ${at.variable}`)
  if (at.section !== undefined) parts.push(at.key === undefined ? `[${at.section}]` : `[${at.section}] ${at.key}`)
  else if (at.key !== undefined) parts.push(at.key)
  return parts.join(': ')
}

function hasBrand(value: unknown): value is ConfigError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
}

/** Every error this package throws. `code` and `name` are stable; the message names file, line, section and key where known. */
export class ConfigError extends Error {
  readonly code: string
  readonly file?: string
  readonly line?: number
  readonly column?: number
  readonly section?: string
  readonly key?: string
  readonly variable?: string
  /** The problem alone, without the location prefix. */
  readonly problem: string

  constructor(problem: string, at: ConfigErrorLocation = {}, options?: { cause?: unknown }, code = 'CONFIG_ERROR') {
    const where = formatLocation(at)
    super(where === '' ? problem : `${where}: ${problem}`, options)
    this.code = code
    this.problem = problem
    for (const k of ['file', 'line', 'column', 'section', 'key', 'variable'] as const) {
      if (at[k] !== undefined) Object.defineProperty(this, k, { value: at[k], enumerable: true })
    }
  }

  override get name(): string {
    return 'ConfigError'
  }

  /**
   * True for an error of this class from any copy of this package: checks a global brand and,
   * on a subclass, its `code` (never `instanceof`, which fails across duplicate installs).
   */
  static isInstance<T extends ConfigError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (!hasBrand(value)) return false
    const own = (this as unknown as { code?: string }).code
    return own === undefined || value.code === own
  }
}
Object.defineProperty(ConfigError.prototype, BRAND, { value: true })

/** Defines a subclass with a stable `name` and `code` (its inherited `isInstance` then checks the code too). */
function subclass<N extends string>(name: N, code: string) {
  const Cls = class extends ConfigError {
    constructor(problem: string, at: ConfigErrorLocation = {}, options?: { cause?: unknown }) {
      super(problem, at, options, code)
    }
    override get name(): string {
      return name
    }
    static readonly code = code
  }
  return Cls
}

/** The configuration file (or `$EHT_INFLUX_CONFIG`) does not exist. The message lists where else was looked. */
export class ConfigFileNotFoundError extends subclass('ConfigFileNotFoundError', 'CONFIG_FILE_NOT_FOUND') {}
/** A file the configuration needs (the file itself, a `ca_file`) exists but cannot be read. */
export class ConfigFileUnreadableError extends subclass('ConfigFileUnreadableError', 'CONFIG_FILE_UNREADABLE') {}
/** A line that is neither `[section]` nor `key = value`, an unterminated quote, a key before any section. */
export class ConfigSyntaxError extends subclass('ConfigSyntaxError', 'CONFIG_SYNTAX') {}
/** A section that does not exist, with the closest known one. */
export class UnknownSectionError extends subclass('UnknownSectionError', 'CONFIG_UNKNOWN_SECTION') {}
/** A key that does not exist in its section (or an `EHT_INFLUX_*` variable naming none), with the closest known one. */
export class UnknownKeyError extends subclass('UnknownKeyError', 'CONFIG_UNKNOWN_KEY') {}
/** The same key twice in a section, or the same section twice. */
export class DuplicateKeyError extends subclass('DuplicateKeyError', 'CONFIG_DUPLICATE') {}
/** Two `[server.<name>]` sections with the same name (names compare case-insensitively). */
export class DuplicateServerError extends subclass('DuplicateServerError', 'CONFIG_DUPLICATE_SERVER') {}
/** A value that is not a duration, size, URL, boolean, number or one of the allowed words; the message says what was expected. */
export class InvalidValueError extends subclass('InvalidValueError', 'CONFIG_INVALID_VALUE') {}
/** A required key is missing (a server without `url`). */
export class MissingValueError extends subclass('MissingValueError', 'CONFIG_MISSING_VALUE') {}
/** A server has no bucket and `[client]` names none either. */
export class MissingBucketError extends subclass('MissingBucketError', 'CONFIG_MISSING_BUCKET') {}
/** `profile = test` with a bucket not ending in `_test`, or `profile = prod` with one that does. */
export class ProfileMismatchError extends subclass('ProfileMismatchError', 'CONFIG_PROFILE_MISMATCH') {}
/** A `token_env`/`password_env` naming an unset variable, or a `token_file`/`password_file` that cannot be read or is empty. */
export class SecretUnavailableError extends subclass('SecretUnavailableError', 'CONFIG_SECRET_UNAVAILABLE') {}
/** A key that does not fit the server's `api` (a `token` on a v1 server, a `username` on a v2 one). */
export class ServerApiMismatchError extends subclass('ServerApiMismatchError', 'CONFIG_API_MISMATCH') {}
/** Keys that exclude each other (`token` and `token_env`; `username` without `password`; old and new format mixed). */
export class ConflictingKeysError extends subclass('ConflictingKeysError', 'CONFIG_CONFLICT') {}
