import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from './parse-config.js'
import { Secret } from './secret.js'

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url))
let dir: string
let file: string

beforeAll(() => {
  // A copy, so the secret files can be given mode 600 whatever git checked out.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-config-parse-'))
  fs.cpSync(fixtures, dir, { recursive: true })
  for (const f of fs.readdirSync(path.join(dir, 'secrets'))) fs.chmodSync(path.join(dir, 'secrets', f), 0o600)
  file = path.join(dir, 'station.ini')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const station = () => parseConfig(fs.readFileSync(file, 'utf8'), file, { env: { KP_LOCAL_TOKEN: 'local-token-value', HOME: '/home/kp' }, cwd: '/nowhere' })

describe('parseConfig on a full station file', () => {
  it('reads the client section, with inline comments stripped', () => {
    expect(station().client).toEqual({ bucket: 'eht_test', org: 'eht', station: 'Kp', profile: 'test', writeMode: 'synchronous' })
  })

  it('gives the servers in file order, each with its own keys over [client] and the defaults', () => {
    const [local, archive, cloud] = station().servers
    expect(station().servers.map((s) => s.name)).toEqual(['local', 'archive', 'cloud'])
    expect(local).toMatchObject({ url: 'http://127.0.0.1:8086', api: 'v2', org: 'eht', bucket: 'eht_test', timeoutMs: 2500, batchSize: 1000, gzip: false, enabled: true, batchBytes: 1_048_576, flushIntervalMs: 1000, maxBufferLines: 20_000, caFile: undefined, username: undefined, password: undefined })
    expect(archive).toMatchObject({ api: 'v1', bucket: 'eht_test/autogen', username: 'eht', enabled: false, token: undefined })
    expect(cloud).toMatchObject({ url: 'https://cloud.example.org', org: 'eht collaboration ; global', bucket: 'kp_test', flushIntervalMs: 250, maxBufferLines: 5000, batchBytes: 524_288 })
  })

  it('resolves secrets from the environment and from files relative to the config file', () => {
    const [local, , cloud] = station().servers
    expect(local!.token).toBeInstanceOf(Secret)
    expect(local!.token!.reveal()).toBe('local-token-value')
    expect(cloud!.token!.reveal()).toBe('cloud-token-value')
    expect(JSON.stringify(station())).not.toMatch(/token-value/)
  })

  it('converts every section to milliseconds, bytes and absolute paths, keeping strftime fields', () => {
    const config = station()
    expect(config.logfile).toEqual({ path: path.join(dir, 'logs/kp #1/eht-%Y-%m-%d.csv'), format: 'csv', rotate: { kind: 'size', maxBytes: 104_857_600 }, fsync: 'always', flushIntervalMs: 1000, compressRotated: true })
    expect(config.retry).toEqual({ maxRetries: 3, minDelayMs: 500, maxDelayMs: 60_000, exponentialBase: 1.5, jitter: 0, maxRetryTimeMs: 86_400_000 })
    expect(config.spool).toEqual({ dir: '/var/spool/eht-influx', maxSizeBytes: 2 * 1024 ** 3 })
    expect(config.errors).toEqual({ errorsFile: '/home/kp/eht-errors.jsonl', stderr: 'every' })
    expect(config.source).toBe(file)
    expect(config.warnings).toEqual([])
  })

  it('returns a deeply frozen object', () => {
    const config = station()
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.servers)).toBe(true)
    expect(Object.isFrozen(config.servers[0])).toBe(true)
    expect(Object.isFrozen(config.logfile.rotate)).toBe(true)
    expect(Object.isFrozen(config.warnings)).toBe(true)
    expect(() => {
      ;(config.retry as { maxRetries: number }).maxRetries = 99
    }).toThrow(TypeError)
  })
})

describe('parseConfig on small files', () => {
  const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseConfig(text, undefined, { env, cwd: '/station' })

  it('treats an empty value as unset (the default), and reads booleans in any case', () => {
    const config = parse('[client]\nstation =\n[server.a]\nurl = http://a\nbucket = x_test\ngzip = FALSE\nenabled = Yes\ntimeout = ; default\n')
    expect(config.client.station).toBeUndefined()
    expect(config.servers[0]).toMatchObject({ gzip: false, enabled: true, timeoutMs: 10_000 })
  })

  it('resolves relative paths against cwd when there is no file, and keeps servers named like numbers in file order', () => {
    const config = parse('[server.2]\nurl = http://b\nbucket = b_test\n[server.1]\nurl = http://a\nbucket = a_test\n[spool]\ndir = spool\n')
    expect(config.servers.map((s) => s.name)).toEqual(['2', '1'])
    expect(config.spool.dir).toBe('/station/spool')
    expect(config.source).toBeUndefined()
  })

  it('keeps quoted ; and # in a token, and a v1 password, exactly', () => {
    const config = parse('[client]\nbucket = db_test\n[server.a]\nurl = http://a\ntoken = "ab;c # d==" ; the token\n[server.b]\nurl = http://b\napi = v1\nusername = u\npassword = \'p#w;d\'\n')
    expect(config.servers[0]!.token!.reveal()).toBe('ab;c # d==')
    expect(config.servers[1]!.password!.reveal()).toBe('p#w;d')
  })
})
