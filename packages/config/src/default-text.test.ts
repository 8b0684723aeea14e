import { describe, expect, it } from 'vitest'
import { defaultConfig, defaultConfigText } from './default-text.js'
import { FIXED_SECTIONS, SERVER_KEYS } from './keys.js'
import { parseConfig } from './parse-config.js'

const cwd = '/station'

describe('defaultConfig', () => {
  const config = defaultConfig({ cwd })

  it('has every documented default of the fixed sections', () => {
    expect(config.client).toEqual({ bucket: undefined, org: 'eht', station: undefined, profile: 'test', writeMode: 'asynchronous' })
    expect(config.logfile).toEqual({ path: '/station/eht-influx-log/eht-%Y-%m-%d.jsonl', format: 'jsonl', rotate: { kind: 'daily' }, fsync: 'interval', flushIntervalMs: 1000, compressRotated: false })
    expect(config.retry).toEqual({ maxRetries: 10, minDelayMs: 1000, maxDelayMs: 300_000, exponentialBase: 2, jitter: 0.2, maxRetryTimeMs: 3_600_000 })
    expect(config.spool).toEqual({ dir: '/station/eht-influx-spool', maxSizeBytes: 10 * 1024 ** 3 })
    expect(config.errors).toEqual({ errorsFile: '/station/eht-influx-errors.jsonl', stderr: 'summary' })
  })

  it('is logfile only: no server, no file, no warning', () => {
    expect(config.servers).toEqual([])
    expect(config.source).toBeUndefined()
    expect(config.warnings).toEqual([])
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('gives a server every documented default', () => {
    const server = parseConfig('[client]\nbucket = eht_test\norg = kp\n[server.local]\nurl = http://127.0.0.1:8086\n', undefined, { env: {}, cwd }).servers[0]
    expect(server).toEqual({
      name: 'local', url: 'http://127.0.0.1:8086', api: 'v2', org: 'kp', bucket: 'eht_test', token: undefined, username: undefined, password: undefined,
      timeoutMs: 10_000, enabled: true, batchSize: 5000, batchBytes: 1024 * 1024, flushIntervalMs: 1000, maxBufferLines: 20_000, gzip: true, caFile: undefined,
    })
  })
})

describe('defaultConfigText', () => {
  const text = defaultConfigText()
  const lines = text.split('\n')

  it('parses to the default', () => {
    expect(parseConfig(text, undefined, { env: {}, cwd })).toEqual(defaultConfig({ cwd }))
  })

  it('has every key of every section, each after a comment saying what it is', () => {
    const blocks: [string, readonly { key: string }[]][] = [...Object.entries(FIXED_SECTIONS), [';[server.local]', SERVER_KEYS]]
    for (const [section, keys] of blocks) {
      const start = lines.indexOf(section.startsWith(';') ? section : `[${section}]`)
      expect(start, section).toBeGreaterThan(0)
      const end = lines.indexOf('', start)
      const block = lines.slice(start, end)
      for (const { key } of keys) {
        const at = block.findIndex((l) => new RegExp(`^;?${key} = `).test(l))
        expect(at, `${section} ${key}`).toBeGreaterThan(0)
        expect(block[at - 1], `comment above ${section} ${key}`).toMatch(/^; \S/)
      }
      expect(block.filter((l) => /^;?[a-z_]+ = /.test(l))).toHaveLength(keys.length)
    }
  })

  it('gives, once the example server is uncommented, a server at the defaults', () => {
    const withDefaults = SERVER_KEYS.filter((k) => k.default !== undefined || k.key === 'url').map((k) => k.key)
    const uncommented = lines.map((l) => (l === ';[server.local]' || withDefaults.some((k) => l.startsWith(`;${k} = `)) ? l.slice(1) : l)).join('\n')
    const config = parseConfig(uncommented.replace('[client]', '[client]\nbucket = eht_test'), undefined, { env: {}, cwd })
    const plain = parseConfig('[client]\nbucket = eht_test\n[server.local]\nurl = http://127.0.0.1:8086\n', undefined, { env: {}, cwd })
    expect(config.servers).toHaveLength(1)
    expect(config.servers).toEqual(plain.servers)
  })
})
