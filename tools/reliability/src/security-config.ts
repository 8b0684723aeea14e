import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SECRETS } from './security-secrets.js'

/** A fresh directory under the OS temp dir. */
export function securityTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'eht-security-'))
}

export interface SecretServer {
  name: string
  url: string
  api: 'v1' | 'v2'
  /** Extra keys (ca_file, timeout...); `token` / `username` / `password` default to SECRETS for the api. */
  keys?: Record<string, string>
}

function section(name: string, keys: Record<string, string>): string {
  return `[${name}]\n${Object.entries(keys)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n')}\n`
}

/**
 * A configuration whose servers carry the distinctive SECRETS as literal
 * values (the v2 token; the v1 user name and password), with short timeouts
 * and fast retries so that every failure path ends within a second or two.
 */
export function secretConfigText(servers: readonly SecretServer[], extra: { errors?: Record<string, string>; retry?: Record<string, string> } = {}): string {
  return [
    section('client', { bucket: 'eht_test', org: 'eht', station: 'Kp' }),
    ...servers.map((s) =>
      section(`server.${s.name}`, {
        url: s.url,
        api: s.api,
        ...(s.api === 'v2' ? { token: SECRETS.token } : { username: SECRETS.username, password: SECRETS.password }),
        flush_interval: '50ms',
        timeout: '1s',
        ...s.keys,
      }),
    ),
    section('logfile', { path: './log/eht-%Y-%m-%d.jsonl', format: 'jsonl', flush_interval: '100ms' }),
    section('retry', { max_retries: '1', min_delay: '20ms', max_delay: '50ms', jitter: '0', max_retry_time: '3s', ...extra.retry }),
    section('spool', { dir: './spool' }),
    section('errors', { errors_file: './errors.jsonl', stderr: 'every', ...extra.errors }),
  ].join('\n')
}

/** Writes `influx_config.ini` (mode 600) into `dir`; returns its path. */
export function writeSecretConfig(dir: string, servers: readonly SecretServer[], extra?: Parameters<typeof secretConfigText>[1]): string {
  const file = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(file, secretConfigText(servers, extra), { mode: 0o600 })
  fs.chmodSync(file, 0o600)
  return file
}
