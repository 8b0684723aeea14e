import { describe, expect, it } from 'vitest'
import { DuplicateServerError, InvalidValueError, MissingValueError, SecretUnavailableError, UnknownKeyError } from './errors.js'
import { SERVER_KEYS } from './keys.js'
import { parseConfig } from './parse-config.js'
import { FILE, expectConfigError } from '../test/expect-config-error.js'

const text = '[client]\nbucket = eht_test\n[server.local]\nurl = http://127.0.0.1:8086\ntoken_env = LOCAL_TOKEN\n[server.cloud-eu]\nurl = https://eu.example.org\ntoken = from-file\n[retry]\nmax_retries = 3\n'
const parse = (env: NodeJS.ProcessEnv) => parseConfig(text, FILE, { env: { LOCAL_TOKEN: 'local', ...env } })

describe('EHT_INFLUX_<SECTION>_<KEY>', () => {
  it('overrides a key of each fixed section, over the file and over the default', () => {
    const config = parse({
      EHT_INFLUX_CLIENT_STATION: 'Sw',
      EHT_INFLUX_RETRY_MAX_RETRIES: '7',
      EHT_INFLUX_LOGFILE_FORMAT: 'lp',
      EHT_INFLUX_LOGFILE_PATH: './log/eht-%Y-%m-%d.lp',
      EHT_INFLUX_SPOOL_MAX_SIZE: '1GB',
      EHT_INFLUX_ERRORS_STDERR: 'off',
    })
    expect(config.client.station).toBe('Sw')
    expect(config.retry.maxRetries).toBe(7)
    expect(config.logfile.format).toBe('lp')
    expect(config.spool.maxSizeBytes).toBe(1024 ** 3)
    expect(config.errors.stderr).toBe('off')
  })

  it('ignores an empty variable and variables that name no section (like a token_env target)', () => {
    const config = parse({ EHT_INFLUX_RETRY_MAX_RETRIES: '', EHT_INFLUX_LOCAL_TOKEN: 'x', EHT_INFLUX_CONFIG: '/x.ini' })
    expect(config.retry.maxRetries).toBe(3)
  })

  it('rejects a bad value naming the variable', () => {
    expectConfigError(() => parse({ EHT_INFLUX_RETRY_MIN_DELAY: 'soon' }), InvalidValueError, { file: FILE, variable: 'EHT_INFLUX_RETRY_MIN_DELAY', section: 'retry', key: 'min_delay' }, '"soon" is not valid; expected a duration')
  })

  it('rejects a variable naming no key of its section, with the closest', () => {
    expectConfigError(() => parse({ EHT_INFLUX_RETRY_MAX_RETRYS: '1' }), UnknownKeyError, { variable: 'EHT_INFLUX_RETRY_MAX_RETRYS' }, 'did you mean `EHT_INFLUX_RETRY_MAX_RETRIES`?')
  })
})

describe('EHT_INFLUX_SERVER_<NAME>_<KEY>', () => {
  it('overrides a server key, matching names without case and with - as _', () => {
    const config = parse({ EHT_INFLUX_SERVER_LOCAL_BATCH_SIZE: '42', EHT_INFLUX_SERVER_CLOUD_EU_ENABLED: 'false', EHT_INFLUX_SERVER_LOCAL_URL: 'http://10.0.0.2:8086' })
    expect(config.servers.map((s) => [s.name, s.batchSize, s.enabled, s.url])).toEqual([
      ['local', 42, true, 'http://10.0.0.2:8086'],
      ['cloud-eu', 5000, false, 'https://eu.example.org'],
    ])
  })

  it('adds a server the file does not have, after the file\'s', () => {
    const config = parse({ EHT_INFLUX_SERVER_CI_URL: 'http://127.0.0.1:9999', EHT_INFLUX_SERVER_CI_TOKEN: 'ci-token' })
    expect(config.servers.map((s) => s.name)).toEqual(['local', 'cloud-eu', 'ci'])
    expect(config.servers[2]!.token!.reveal()).toBe('ci-token')
    expectConfigError(() => parse({ EHT_INFLUX_SERVER_CI_TOKEN: 'x' }), MissingValueError, { variable: 'EHT_INFLUX_SERVER_CI_TOKEN', section: 'server.ci', key: 'url' })
  })

  it('replaces the file\'s source of a secret with the one from the environment', () => {
    const config = parse({ EHT_INFLUX_SERVER_CLOUD_EU_TOKEN_ENV: 'EU_TOKEN', EU_TOKEN: 'eu-from-env', EHT_INFLUX_SERVER_LOCAL_TOKEN: 'direct' })
    expect(config.servers.map((s) => s.token!.reveal())).toEqual(['direct', 'eu-from-env'])
    expectConfigError(() => parse({ EHT_INFLUX_SERVER_CLOUD_EU_TOKEN_ENV: 'UNSET_TOKEN' }), SecretUnavailableError, { variable: 'EHT_INFLUX_SERVER_CLOUD_EU_TOKEN_ENV', section: 'server.cloud-eu', key: 'token_env' }, 'UNSET_TOKEN is not set')
  })

  it('refuses servers that one variable would name alike (cloud-eu and cloud_eu), instead of setting one of them', () => {
    const both = '[client]\nbucket = eht_test\n[server.cloud-eu]\nurl = http://a\ntoken = a\n[server.cloud_eu]\nurl = http://b\ntoken = b\n'
    expectConfigError(() => parseConfig(both, FILE, { env: { EHT_INFLUX_SERVER_CLOUD_EU_URL: 'http://new' } }), DuplicateServerError, { file: FILE, line: 6, section: 'server.cloud_eu' }, '[server.cloud-eu] (line 3)')
  })

  it('sends a variable to the one server it can name when one name extends another (x and x_batch)', () => {
    const two = '[client]\nbucket = eht_test\n[server.x]\nurl = http://a\ntoken = a\n[server.x_batch]\nurl = http://b\ntoken = b\n'
    const config = parseConfig(two, FILE, { env: { EHT_INFLUX_SERVER_X_BATCH_SIZE: '7', EHT_INFLUX_SERVER_X_BATCH_URL: 'http://c', EHT_INFLUX_SERVER_X_BATCH_BATCH_SIZE: '9' } })
    expect(config.servers.map((s) => [s.name, s.batchSize, s.url])).toEqual([['x', 7, 'http://a'], ['x_batch', 9, 'http://c']])
  })

  it('splits every variable one way only: no server key is the end of another after an _', () => {
    // Were one (a key `size` beside `batch_size`), EHT_INFLUX_SERVER_X_BATCH_SIZE could be [server.x] batch_size
    // or [server.x_batch] size; the longest-key split in env-overrides.ts would then pick one silently.
    const keys = SERVER_KEYS.map((k) => k.key)
    expect(keys.flatMap((short) => keys.filter((long) => long.endsWith(`_${short}`)).map((long) => `${short} ends ${long}`))).toEqual([])
  })

  it('rejects a variable that does not end in a server key, with the closest', () => {
    expectConfigError(() => parse({ EHT_INFLUX_SERVER_LOCAL_TIMOUT: '5s' }), UnknownKeyError, { variable: 'EHT_INFLUX_SERVER_LOCAL_TIMOUT' }, 'did you mean `EHT_INFLUX_SERVER_LOCAL_TIMEOUT`?')
  })
})

describe('EHT_INFLUX_PROFILE', () => {
  it('sets the profile and wins over EHT_INFLUX_CLIENT_PROFILE', () => {
    const prod = '[client]\nbucket = eht\nprofile = test\n'
    expect(parseConfig(prod, FILE, { env: { EHT_INFLUX_PROFILE: 'prod', EHT_INFLUX_CLIENT_PROFILE: 'test' } }).client.profile).toBe('prod')
    expectConfigError(() => parseConfig(prod, FILE, { env: { EHT_INFLUX_PROFILE: 'staging' } }), InvalidValueError, { variable: 'EHT_INFLUX_PROFILE', section: 'client', key: 'profile' }, 'expected one of: test, prod')
  })
})
