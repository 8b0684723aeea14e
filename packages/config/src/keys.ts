/** What a key holds; decides its JSON Schema, its conversion and the words of its error. */
export type KeyKind = 'text' | 'words' | 'duration' | 'size' | 'boolean' | 'integer' | 'number' | 'url' | 'path' | 'env-name' | 'rotate' | 'secret'

export interface KeySpec {
  readonly key: string
  readonly kind: KeyKind
  /** The default as written in the file; absent for keys that are unset by default. */
  readonly default?: string
  /** Shown (commented out) in the default file for keys without a default. */
  readonly example?: string
  /** Allowed values of a `words` key. */
  readonly words?: readonly string[]
  /** Smallest value of a number, or of a duration in milliseconds (`min: 1`: above 0). */
  readonly min?: number
  readonly max?: number
  /**
   * A duration that is only compared, never waited for by a timer: not bound to the 2^31-1 ms a
   * Node.js timer can wait (max_retry_time: a link down for days may want 30d).
   */
  readonly untimed?: true
  /** For server keys that belong to one api only. */
  readonly api?: 'v1' | 'v2'
  /** One line: the comment in the default file and the README. */
  readonly doc: string
}

export type FixedSection = 'client' | 'logfile' | 'retry' | 'spool' | 'errors'

export const FIXED_SECTIONS: Readonly<Record<FixedSection, readonly KeySpec[]>> = {
  client: [
    { key: 'bucket', kind: 'text', example: 'eht_test', doc: 'bucket (v1: database or database/retention_policy) for every server; required unless every server names its own' },
    { key: 'org', kind: 'text', default: 'eht', doc: 'organisation of v2 servers (a server may name its own)' },
    { key: 'station', kind: 'text', example: 'Kp', doc: 'station code; added as tag `station` to points that have none' },
    { key: 'profile', kind: 'words', words: ['test', 'prod'], default: 'test', doc: 'test: every bucket must end in _test; prod: none may (EHT_INFLUX_PROFILE overrides)' },
    { key: 'write_mode', kind: 'words', words: ['asynchronous', 'synchronous'], default: 'asynchronous', doc: 'asynchronous: write() returns once the point is logged, servers get it in batches; synchronous: write() waits for the servers' },
  ],
  logfile: [
    { key: 'path', kind: 'path', default: './eht-influx-log/eht-%Y-%m-%d.jsonl', doc: 'the local record of truth, written first; strftime fields %Y %m %d %H %M %S (UTC)' },
    { key: 'format', kind: 'words', words: ['jsonl', 'csv', 'lp'], default: 'jsonl', doc: 'jsonl | csv | lp (line protocol)' },
    { key: 'rotate', kind: 'rotate', default: 'daily', doc: 'none | hourly | daily | a size such as 100MB' },
    { key: 'fsync', kind: 'words', words: ['always', 'interval', 'never'], default: 'interval', doc: 'always (every write) | interval (every flush_interval) | never (left to the OS)' },
    { key: 'flush_interval', kind: 'duration', default: '1s', doc: 'how often buffered lines reach the file (and fsync = interval syncs); above 0 with fsync = interval' },
    { key: 'compress', kind: 'boolean', default: 'false', doc: 'gzip each rotated file' },
  ],
  retry: [
    { key: 'max_retries', kind: 'integer', min: 0, default: '10', doc: 'retries of a failed batch before it goes to the spool' },
    { key: 'min_delay', kind: 'duration', default: '1s', doc: 'delay before the first retry' },
    { key: 'max_delay', kind: 'duration', default: '5m', doc: 'longest delay between retries' },
    { key: 'exponential_base', kind: 'number', min: 1, default: '2', doc: 'each delay is the previous one times this' },
    { key: 'jitter', kind: 'number', min: 0, max: 1, default: '0.2', doc: 'fraction of each delay, randomised' },
    { key: 'max_retry_time', kind: 'duration', untimed: true, default: '1h', doc: 'give up retrying a batch after this long (it goes to the spool); may exceed 24.8 days' },
  ],
  spool: [
    { key: 'dir', kind: 'path', default: './eht-influx-spool', doc: 'where undelivered points wait for replay' },
    { key: 'max_size', kind: 'size', default: '10GB', doc: 'largest the spool may grow' },
  ],
  errors: [
    { key: 'errors_file', kind: 'path', default: './eht-influx-errors.jsonl', doc: 'points a server rejected for good (4xx)' },
    { key: 'stderr', kind: 'words', words: ['summary', 'every', 'off'], default: 'summary', doc: 'summary | every (one line per failure) | off' },
  ],
}

export const SERVER_KEYS: readonly KeySpec[] = [
  { key: 'url', kind: 'url', example: 'http://127.0.0.1:8086', doc: 'required: http(s)://host:port of the server (a path prefix may follow), without credentials, ?query or #fragment' },
  { key: 'api', kind: 'words', words: ['v2', 'v1'], default: 'v2', doc: 'v2 (InfluxDB 2.x, 3.x, Cloud, 1.8+) | v1 (InfluxDB 1.x /write)' },
  { key: 'org', kind: 'text', api: 'v2', example: 'eht', doc: 'v2; defaults to [client] org' },
  { key: 'bucket', kind: 'text', example: 'eht_test', doc: 'defaults to [client] bucket; v1: database or database/retention_policy' },
  { key: 'token_env', kind: 'env-name', api: 'v2', example: 'EHT_INFLUX_LOCAL_TOKEN', doc: 'v2: environment variable holding the token (or token_file, or token)' },
  { key: 'token_file', kind: 'path', api: 'v2', example: '/etc/eht-influx-client/local.token', doc: 'v2: file holding the token (keep it chmod 600)' },
  { key: 'token', kind: 'secret', api: 'v2', example: 'paste-token-here', doc: 'v2: the token itself (then keep this file chmod 600)' },
  { key: 'username', kind: 'text', api: 'v1', example: 'eht', doc: 'v1: user name' },
  { key: 'password_env', kind: 'env-name', api: 'v1', example: 'EHT_INFLUX_LOCAL_PASSWORD', doc: 'v1: environment variable holding the password (or password_file, or password)' },
  { key: 'password_file', kind: 'path', api: 'v1', example: '/etc/eht-influx-client/local.password', doc: 'v1: file holding the password' },
  { key: 'password', kind: 'secret', api: 'v1', example: 'paste-password-here', doc: 'v1: the password itself (then keep this file chmod 600)' },
  { key: 'timeout', kind: 'duration', min: 1, default: '10s', doc: 'per HTTP request' },
  { key: 'enabled', kind: 'boolean', default: 'true', doc: 'false keeps the section but sends nothing to this server' },
  { key: 'batch_size', kind: 'integer', min: 1, default: '5000', doc: 'most lines in one write request' },
  { key: 'batch_bytes', kind: 'size', default: '1MB', doc: 'most bytes in one write request' },
  { key: 'flush_interval', kind: 'duration', default: '1s', doc: 'longest a point waits before its batch is sent' },
  { key: 'max_buffer_lines', kind: 'integer', min: 1, default: '20000', doc: 'lines held in memory for this server; beyond it points go to the spool' },
  { key: 'gzip', kind: 'boolean', default: 'true', doc: 'gzip request bodies' },
  { key: 'ca_file', kind: 'path', example: '/etc/ssl/certs/eht-ca.pem', doc: 'extra CA certificate(s), PEM, for https (TLS verification is always on)' },
]

/** Sources of each secret: exactly one may be set. */
export const SECRET_SOURCES = {
  token: ['token', 'token_env', 'token_file'],
  password: ['password', 'password_env', 'password_file'],
} as const

export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, false: false, yes: true, no: false, on: true, off: false, '1': true, '0': false }

/** The keys of a section as written: `retry`, `server.local`. */
export function keysOf(section: string): readonly KeySpec[] | undefined {
  if (section.startsWith('server.')) return SERVER_KEYS
  return (FIXED_SECTIONS as Record<string, readonly KeySpec[]>)[section]
}

export function specOf(section: string, key: string): KeySpec | undefined {
  return keysOf(section)?.find((k) => k.key === key)
}

/** The sections that have `key`, as `[retry]` or `[server.<name>]`. */
export function sectionsHolding(key: string): string[] {
  const fixed = Object.entries(FIXED_SECTIONS).filter(([, keys]) => keys.some((k) => k.key === key)).map(([s]) => `[${s}]`)
  return SERVER_KEYS.some((k) => k.key === key) ? [...fixed, '[server.<name>]'] : fixed
}
