import { keyLine } from './ini-lines.js'
import { REDACTED } from './secret.js'
import type { EHTConfig, RotatePolicy, ServerConfig } from './types.js'
import { formatDuration, formatSize } from './units.js'

const rotate = (r: RotatePolicy) => (r.kind === 'size' ? formatSize(r.maxBytes) : r.kind)
const secret = (key: string, value: unknown) => (value === undefined ? `;${key} =` : `${key} = ${REDACTED}`)

function serverLines(s: ServerConfig): string[] {
  return [
    `[server.${s.name}]`,
    keyLine('url', s.url),
    keyLine('api', s.api),
    s.api === 'v2' ? keyLine('org', s.org) : ';org =',
    keyLine('bucket', s.bucket),
    secret('token', s.token),
    keyLine('username', s.username),
    secret('password', s.password),
    keyLine('timeout', formatDuration(s.timeoutMs)),
    keyLine('enabled', String(s.enabled)),
    keyLine('batch_size', String(s.batchSize)),
    keyLine('batch_bytes', formatSize(s.batchBytes)),
    keyLine('flush_interval', formatDuration(s.flushIntervalMs)),
    keyLine('max_buffer_lines', String(s.maxBufferLines)),
    keyLine('gzip', String(s.gzip)),
    keyLine('ca_file', s.caFile),
  ]
}

/**
 * The effective configuration as INI: every key with its value after defaults and environment
 * overrides, paths absolute, tokens and passwords as `***` (whatever their source), warnings as
 * comments. Unset keys are written commented out.
 */
export function formatConfig(config: EHTConfig): string {
  const { client, logfile, retry, spool, errors } = config
  const out = [
    `; eht-influx-client effective configuration, from ${config.source ?? 'the built-in default'}`,
    ...config.warnings.map((w) => `; warning: ${w.replaceAll('\n', ' ')}`),
    '',
    '[client]',
    keyLine('bucket', client.bucket),
    keyLine('org', client.org),
    keyLine('station', client.station),
    keyLine('profile', client.profile),
    keyLine('write_mode', client.writeMode),
    ...config.servers.flatMap((s) => ['', ...serverLines(s)]),
    '',
    '[logfile]',
    keyLine('path', logfile.path),
    keyLine('format', logfile.format),
    keyLine('rotate', rotate(logfile.rotate)),
    keyLine('fsync', logfile.fsync),
    keyLine('flush_interval', formatDuration(logfile.flushIntervalMs)),
    keyLine('compress', String(logfile.compressRotated)),
    '',
    '[retry]',
    keyLine('max_retries', String(retry.maxRetries)),
    keyLine('min_delay', formatDuration(retry.minDelayMs)),
    keyLine('max_delay', formatDuration(retry.maxDelayMs)),
    keyLine('exponential_base', String(retry.exponentialBase)),
    keyLine('jitter', String(retry.jitter)),
    keyLine('max_retry_time', formatDuration(retry.maxRetryTimeMs)),
    '',
    '[spool]',
    keyLine('dir', spool.dir),
    keyLine('max_size', formatSize(spool.maxSizeBytes)),
    '',
    '[errors]',
    keyLine('errors_file', errors.errorsFile),
    keyLine('stderr', errors.stderr),
  ]
  return `${out.join('\n')}\n`
}
