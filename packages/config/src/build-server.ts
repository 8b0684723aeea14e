import fs from 'node:fs'
import { ConfigFileUnreadableError, ConflictingKeysError, InvalidValueError, MissingBucketError, ServerApiMismatchError } from './errors.js'
import { pemCertificateProblem } from './pem.js'
import { SERVER_KEYS } from './keys.js'
import { resolveSecret } from './resolve-secrets.js'
import type { SecretContext } from './resolve-secrets.js'
import type { SectionReader } from './section-reader.js'
import type { ClientConfig, ServerConfig } from './types.js'
import { invalidValue } from './validate.js'

const AUTH = {
  v1: 'which authenticates with username and password (username, password_env, password_file or password)',
  v2: 'which authenticates with a token (token_env, token_file or token)',
} as const

function checkApiKeys(reader: SectionReader, api: 'v1' | 'v2'): void {
  for (const spec of SERVER_KEYS) {
    if (spec.api === undefined || spec.api === api || reader.optional(spec.key) === undefined) continue
    const hint = api === 'v2' && spec.api === 'v1' ? ' (for an InfluxDB 1.x server set api = v1)' : ''
    throw new ServerApiMismatchError(`\`${spec.key}\` is for api = ${spec.api} servers, but this server has api = ${api}, ${AUTH[api]}${hint}`, reader.locations.at(reader.section, spec.key))
  }
}

function checkCaFile(reader: SectionReader, path: string): void {
  let text: string
  try {
    text = fs.readFileSync(path, 'latin1')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code)
    throw new ConfigFileUnreadableError(`cannot read the CA certificate file ${path}: ${reason}`, reader.locations.at(reader.section, 'ca_file'), { cause })
  }
  // Node.js takes PEM only, and silently ignores anything else: a file without a certificate
  // (a DER file, a key, the config itself) would surface later as a TLS error about ca_file.
  const problem = pemCertificateProblem(text)
  if (problem !== undefined) throw new InvalidValueError(`the CA certificate file ${path} ${problem}`, reader.locations.at(reader.section, 'ca_file'))
}

/** Where the bucket was set: the server's own key, else `[client] bucket`. */
export function bucketLocation(reader: SectionReader): { section: string; key: string } {
  return reader.optional('bucket') === undefined ? { section: 'client', key: 'bucket' } : { section: reader.section, key: 'bucket' }
}

/**
 * One `[server.<name>]` section as a ServerConfig. Secrets and the CA file are read only for an
 * enabled server: a disabled one may name a variable or file this machine does not have.
 */
export function buildServer(name: string, reader: SectionReader, client: ClientConfig, secrets: SecretContext): ServerConfig {
  const at = (key?: string) => reader.locations.at(reader.section, key)
  const api = reader.word<'v1' | 'v2'>('api')
  checkApiKeys(reader, api)
  const enabled = reader.boolean('enabled')
  const bucket = reader.optional('bucket') ?? client.bucket
  if (bucket === undefined) {
    throw new MissingBucketError(`no bucket: set \`bucket\` here, or in [client] for every server`, { ...at(), key: 'bucket' })
  }
  if (api === 'v1' && !/^[^/]+(\/[^/]+)?$/.test(bucket)) {
    const where = bucketLocation(reader)
    throw invalidValue(reader.locations, where.section, where.key, bucket, `a database or database/retention_policy (server ${name} has api = v1)`)
  }
  if (api === 'v1' && (reader.optional('username') === undefined) !== (['password', 'password_env', 'password_file'].every((k) => reader.optional(k) === undefined))) {
    const given = reader.optional('username') === undefined ? 'a password' : 'a username'
    throw new ConflictingKeysError(`${given} without the other: InfluxDB 1.x needs both username and password (or neither, without authentication)`, at(reader.optional('username') === undefined ? undefined : 'username'))
  }
  const caFile = reader.optionalPath('ca_file')
  if (enabled && caFile !== undefined) checkCaFile(reader, caFile)
  return {
    name,
    url: reader.url('url'),
    api,
    org: api === 'v2' ? (reader.optional('org') ?? client.org) : client.org,
    bucket,
    token: enabled && api === 'v2' ? resolveSecret('token', reader.values, reader.section, secrets) : undefined,
    username: reader.optional('username'),
    password: enabled && api === 'v1' ? resolveSecret('password', reader.values, reader.section, secrets) : undefined,
    timeoutMs: reader.duration('timeout'),
    enabled,
    batchSize: reader.number('batch_size'),
    batchBytes: reader.size('batch_bytes'),
    flushIntervalMs: reader.duration('flush_interval'),
    maxBufferLines: reader.number('max_buffer_lines'),
    gzip: reader.boolean('gzip'),
    caFile,
  }
}
