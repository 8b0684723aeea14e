import util from 'node:util'
import { describe, expect, it } from 'vitest'
import { InvalidValueError, UnknownKeyError } from './errors.js'
import { formatConfig } from './format-config.js'
import { FIXED_SECTIONS, SERVER_KEYS } from './keys.js'
import { parseConfig } from './parse-config.js'
import { configSchema } from './schema.js'
import { FILE, expectConfigError } from '../test/expect-config-error.js'

const withUrl = (url: string) => `[client]\nbucket = eht_test\n[server.a]\nurl = ${url}\ntoken = t\n`

describe('url: kept exactly as written, case included', () => {
  // Replay names its checkpoint file after server.url: a URL rewritten on load (`Kp-Influx` as
  // `kp-influx`) would orphan the checkpoints of an older version and send every file again.
  // An upper-case scheme is accepted: the writer and replay compare the scheme without case.
  it.each([
    'HTTPS://Cloud.Example.ORG:8086',
    'Https://cloud.example.org:8086/',
    'HTTP://127.0.0.1:8086/Influx/Base',
    'http://Kp-Influx:8086',
    'https://[FE80::1]:8086/x/',
    'http://127.0.0.1:8086',
  ])('%s', (written) => {
    const config = parseConfig(withUrl(written), FILE, { env: {} })
    expect(config.servers[0]!.url).toBe(written)
    expect(formatConfig(config)).toContain(`url = ${written}\n`)
    // The JSON Schema (editors, `check`) takes it too.
    const url = (configSchema as { properties: { server: { additionalProperties: { properties: Record<string, { pattern: string }> } } } }).properties.server.additionalProperties.properties.url!
    expect(new RegExp(url.pattern).test(written)).toBe(true)
  })

  it('also from the environment', () => {
    const config = parseConfig('[client]\nbucket = eht_test\n', FILE, { env: { EHT_INFLUX_SERVER_CLOUD_URL: 'HTTPS://EU.example.org', EHT_INFLUX_SERVER_CLOUD_TOKEN: 't' } })
    expect(config.servers[0]!.url).toBe('HTTPS://EU.example.org')
  })
})

describe('url with a ?query or #fragment', () => {
  it.each([
    ['http://127.0.0.1:8086?u=eht&p=S3cretPW', '"http://127.0.0.1:8086/?***"'],
    ['http://127.0.0.1:8086/?db=eht_test&p=S3cretPW', '"http://127.0.0.1:8086/?***"'],
    ['https://influx.example.org/base#p=S3cretPW', '"https://influx.example.org/base#***"'],
    // With an @ anywhere, all from // to the last @ is masked first: which @ ends a password cannot be told.
    ['https://eht:S3cretPW@influx.example.org/?p=S3cretPW@x', '"https://***@x"'],
    ['http://127.0.0.1:99999/?p=S3cretPW@x', '"http://***@x"'],
    ['http://eht:S3cretPW?u=eht@influx:8086', '"http://***@influx:8086"'],
    ['http://eht:S3cretPW#u=eht@influx:8086', '"http://***@influx:8086"'],
  ])('%s is refused, naming line and key, never the query', (url, shown) => {
    const error = expectConfigError(() => parseConfig(withUrl(url), FILE, { env: {} }), InvalidValueError, { file: FILE, line: 4, column: 1, section: 'server.a', key: 'url' }, `${shown} is not valid: a URL may not hold a ?query or #fragment`, 'username and password_env (api = v1) or token_env (api = v2)')
    expect(`${error.message} ${JSON.stringify(error)} ${util.inspect(error, { depth: 10 })}`).not.toMatch(/S3cretPW|u=eht|db=/)
  })

  it('is refused from the environment too, naming the variable', () => {
    const error = expectConfigError(() => parseConfig('[client]\nbucket = eht_test\n', FILE, { env: { EHT_INFLUX_SERVER_DB_URL: 'http://a:8086/?p=S3cretPW', EHT_INFLUX_SERVER_DB_TOKEN: 't' } }), InvalidValueError, { variable: 'EHT_INFLUX_SERVER_DB_URL', section: 'server.db', key: 'url' }, 'a URL may not hold a ?query')
    expect(error.message).not.toContain('S3cretPW')
  })
})

describe('durations that reach a timer are at most 2^31-1 ms, the longest a Node.js timer waits', () => {
  const allDurationKeys = [...Object.entries(FIXED_SECTIONS).flatMap(([section, keys]) => keys.map((k) => ({ section, ...k }))), ...SERVER_KEYS.map((k) => ({ section: 'server.a', ...k }))].filter((k) => k.kind === 'duration')
  const durationKeys = allDurationKeys.filter((k) => k.untimed !== true)

  it('covers every duration key that reaches a timer; max_retry_time is only compared', () => {
    expect(durationKeys.map((k) => `${k.section} ${k.key}`).sort()).toEqual(['logfile flush_interval', 'retry max_delay', 'retry min_delay', 'server.a flush_interval', 'server.a timeout'])
    expect(allDurationKeys.filter((k) => k.untimed === true).map((k) => `${k.section} ${k.key}`)).toEqual(['retry max_retry_time'])
  })

  it('max_retry_time may be longer (a link down for days), as long as it is whole milliseconds', () => {
    for (const [value, ms] of [['30d', 30 * 86_400_000], ['2147483648ms', 2 ** 31], ['365d', 365 * 86_400_000]] as const) {
      expect(parseConfig(`[client]\nbucket = eht_test\n[retry]\nmax_retry_time = ${value}\n`, FILE, { env: {} }).retry.maxRetryTimeMs).toBe(ms)
    }
    const retry = (configSchema as { properties: { retry: { properties: Record<string, { description: string }> } } }).properties.retry.properties
    expect(retry.max_retry_time!.description).not.toContain('2147483647ms')
    expect(retry.max_delay!.description).toContain('at most 2147483647ms')
  })

  const textWith = (section: string, line: string) => (section === 'server.a' ? `${withUrl('http://a:8086')}${line}\n` : `[client]\nbucket = eht_test\n[${section}]\n${line}\n`)
  it.each(durationKeys.map((k) => [`${k.section} ${k.key}`, k.section, k.key] as const))('%s = 25d is refused, naming the key and the limit', (_, section, key) => {
    for (const value of ['25d', '2147483648ms', '24.9d']) {
      const text = textWith(section, `${key} = ${value}`)
      expectConfigError(() => parseConfig(text, FILE, { env: {} }), InvalidValueError, { file: FILE, line: text.split('\n').length - 1, section, key }, `"${value}" is not valid; expected a duration at most 2147483647ms (about 24.8 days`)
    }
  })

  it.each(durationKeys.map((k) => [`${k.section} ${k.key}`, k.section, k.key] as const))('%s = 2147483647ms (and 24d) is taken', (_, section, key) => {
    // max_delay may not be shorter than min_delay: raise both together.
    const extra = key === 'min_delay' ? '\nmax_delay = 2147483647ms' : ''
    for (const [value, ms] of [['2147483647ms', 2 ** 31 - 1], ['24d', 24 * 86_400_000]] as const) {
      const config = parseConfig(textWith(section, `${key} = ${value}${extra}`), FILE, { env: {} })
      const got: number | undefined = ({ 'server.a timeout': config.servers[0]?.timeoutMs, 'server.a flush_interval': config.servers[0]?.flushIntervalMs, 'logfile flush_interval': config.logfile.flushIntervalMs, 'retry min_delay': config.retry.minDelayMs, 'retry max_delay': config.retry.maxDelayMs, 'retry max_retry_time': config.retry.maxRetryTimeMs } as Record<string, number | undefined>)[`${section} ${key}`]
      expect(got).toBe(ms)
    }
  })

  it('a decimal duration that floating point would miss is taken, in the file and in an EHT_INFLUX_* override', () => {
    // 0.7 * 86400000 is 60479999.99999999 in floating point: once refused as "at most 2147483647ms".
    const config = parseConfig(`${withUrl('http://a:8086')}timeout = 0.7d\nflush_interval = 4.1m\n[retry]\nmax_delay = 2.3h\n`, FILE, { env: { EHT_INFLUX_RETRY_MAX_RETRY_TIME: '1.1h' } })
    expect([config.servers[0]?.timeoutMs, config.servers[0]?.flushIntervalMs, config.retry.maxDelayMs, config.retry.maxRetryTimeMs]).toEqual([60_480_000, 246_000, 8_280_000, 3_960_000])
  })

  it('is said in the JSON Schema description too', () => {
    const server = (configSchema as { properties: { server: { additionalProperties: { properties: Record<string, { description: string }> } } } }).properties.server.additionalProperties.properties
    expect(server.timeout!.description).toContain('at most 2147483647ms (about 24.8 days')
  })
})

describe('a key of another section', () => {
  it.each([
    ['[client]\nurl = http://x:1', 'client', 'url', '`url` belongs in [server.<name>]'],
    ['[client]\npath = x.jsonl', 'client', 'path', '`path` belongs in [logfile]'],
    ['[retry]\ndir = spool', 'retry', 'dir', '`dir` belongs in [spool]'],
    ['[client]\nbucket = eht_test\n[server.a]\nurl = http://a\ntoken = t\nstation = Kp', 'server.a', 'station', '`station` belongs in [client]'],
  ])('%j says where it belongs before any near name', (text, section, key, phrase) => {
    const error = expectConfigError(() => parseConfig(`${text}\n`, FILE, { env: {} }), UnknownKeyError, { file: FILE, line: text.split('\n').length, section, key }, phrase)
    expect(error.message).not.toContain('did you mean')
  })

  it('from the environment as well', () => {
    const error = expectConfigError(() => parseConfig('[client]\nbucket = eht_test\n', FILE, { env: { EHT_INFLUX_CLIENT_URL: 'http://x:1' } }), UnknownKeyError, { variable: 'EHT_INFLUX_CLIENT_URL' }, '`url` belongs in another section: EHT_INFLUX_SERVER_<NAME>_URL')
    expect(error.message).not.toContain('did you mean')
  })

  it('still suggests the near name for a typo', () => {
    expectConfigError(() => parseConfig('[client]\norgg = eht\n', FILE, { env: {} }), UnknownKeyError, { line: 2, key: 'orgg' }, 'did you mean `org`?')
  })
})
