import type { Secret } from './secret.js'

/** Milliseconds. */
export type Duration = number

export interface ClientConfig {
  bucket: string | undefined
  org: string
  station: string | undefined
  profile: 'test' | 'prod'
  writeMode: 'asynchronous' | 'synchronous'
}

export interface ServerConfig {
  name: string
  url: string
  api: 'v1' | 'v2'
  org: string
  /** v1: `database` or `database/retention_policy`. */
  bucket: string
  token: Secret | undefined
  username: string | undefined
  password: Secret | undefined
  timeoutMs: Duration
  enabled: boolean
  /** Key batch_size, default 5000 lines. */
  batchSize: number
  /** Key batch_bytes, default 1MB. */
  batchBytes: number
  /** Key flush_interval, default 1s. */
  flushIntervalMs: Duration
  /** Key max_buffer_lines, default 20000: beyond it points go to the spool. */
  maxBufferLines: number
  /** Key gzip, default true. */
  gzip: boolean
  /** Key ca_file: extra CA certificate(s), PEM, for https (TLS verification is always on). */
  caFile: string | undefined
}

export type RotatePolicy = { kind: 'none' } | { kind: 'hourly' } | { kind: 'daily' } | { kind: 'size'; maxBytes: number }

export interface LogfileConfig {
  /** Absolute; strftime fields (%Y %m %d %H %M %S) left for logfile to expand. */
  path: string
  format: 'jsonl' | 'csv' | 'lp'
  rotate: RotatePolicy
  fsync: 'always' | 'interval' | 'never'
  flushIntervalMs: Duration
  /** Key compress, default false: gzip rotated files. */
  compressRotated: boolean
}

export interface RetryConfig {
  maxRetries: number
  minDelayMs: Duration
  maxDelayMs: Duration
  exponentialBase: number
  jitter: number
  maxRetryTimeMs: Duration
}

export interface SpoolConfig {
  dir: string
  maxSizeBytes: number
}

export interface ErrorsConfig {
  errorsFile: string
  stderr: 'summary' | 'every' | 'off'
}

export interface EHTConfig {
  /** Absolute path of the file read; undefined for the built-in default. */
  source: string | undefined
  client: ClientConfig
  /** In file order (then servers defined only by environment variables); disabled ones included with enabled = false. */
  servers: readonly ServerConfig[]
  logfile: LogfileConfig
  retry: RetryConfig
  spool: SpoolConfig
  errors: ErrorsConfig
  /** Notes for the user: no file found, old format migrated, a secret in a group/world-readable file. */
  warnings: readonly string[]
}

export interface ConfigOptions {
  /** Where `token_env`, overrides and `$VARS` are looked up; default `process.env`. */
  env?: NodeJS.ProcessEnv
  /** Base of relative paths when there is no file (and of `./influx_config.ini`); default `process.cwd()`. */
  cwd?: string
}
