import { describe, expect, it } from 'vitest'
import { InvalidValueError, MissingBucketError, ProfileMismatchError, UnknownKeyError } from './errors.js'
import { parseConfig } from './parse-config.js'
import { FILE, expectConfigError } from '../test/expect-config-error.js'

const parse = (text: string, env: NodeJS.ProcessEnv = {}) => () => parseConfig(text, FILE, { env, cwd: '/elsewhere' })

describe('no bucket anywhere', () => {
  it('is an error at the server that has none', () => {
    expectConfigError(parse('[client]\norg = eht\n\n[server.local]\nurl = http://a\n'), MissingBucketError, { file: FILE, line: 4, section: 'server.local', key: 'bucket' }, 'no bucket', 'in [client] for every server')
  })
  it('is fine when every server names its own, or when there is no server (logfile only)', () => {
    expect(parse('[server.a]\nurl = http://a\nbucket = a_test\n')().client.bucket).toBeUndefined()
    expect(parse('[client]\nstation = Kp\n')().servers).toEqual([])
  })
})

describe('profile guard', () => {
  it('rejects a test profile writing to a bucket without _test, naming where the bucket is set', () => {
    expectConfigError(parse('[client]\nprofile = test\nbucket = eht\n'), ProfileMismatchError, { file: FILE, line: 3, section: 'client', key: 'bucket' }, 'profile is test but bucket "eht" does not end in _test')
    expectConfigError(parse('[client]\nbucket = eht_test\n[server.cloud]\nurl = http://a\nbucket = eht\n'), ProfileMismatchError, { line: 5, section: 'server.cloud', key: 'bucket' }, 'does not end in _test')
  })

  it('rejects a prod profile writing to a _test bucket, also a server inheriting [client] bucket', () => {
    expectConfigError(parse('[client]\nprofile = prod\nbucket = eht_test\n[server.a]\nurl = http://a\n'), ProfileMismatchError, { line: 3, section: 'client', key: 'bucket' }, 'profile is prod but bucket "eht_test" ends in _test')
    expectConfigError(parse('[client]\nprofile = prod\nbucket = eht\n[server.v1]\nurl = http://a\napi = v1\nbucket = eht_test/autogen\n'), ProfileMismatchError, { line: 7, section: 'server.v1' }, 'ends in _test')
  })

  it('checks the database of a v1 database/retention_policy bucket', () => {
    const config = parse('[client]\nprofile = test\n[server.v1]\nurl = http://a\napi = v1\nbucket = eht_test/one_week\n')()
    expect(config.servers[0]!.bucket).toBe('eht_test/one_week')
    expectConfigError(parse('[client]\nprofile = test\n[server.v1]\nurl = http://a\napi = v1\nbucket = eht/rp_test\n'), ProfileMismatchError, { line: 6 })
  })

  it('names EHT_INFLUX_PROFILE when the profile came from it', () => {
    expectConfigError(parse('[client]\nprofile = test\nbucket = eht_test\n', { EHT_INFLUX_PROFILE: 'prod' }), ProfileMismatchError, { line: 3 }, 'profile is prod (from EHT_INFLUX_PROFILE)')
    expect(parse('[client]\nbucket = eht\n', { EHT_INFLUX_PROFILE: 'prod' })().client.profile).toBe('prod')
  })
})

describe('[spool] max_size smaller than one batch', () => {
  const servers = '[client]\nbucket = eht_test\n[server.local]\nurl = http://a\ntoken = t\n[server.cloud]\nurl = http://b\ntoken = t\nbatch_bytes = 4MB\n'

  it('loads, with a warning naming the line, max_size and the server whose batch_bytes it is below', () => {
    const config = parse(`${servers}[spool]\nmax_size = 2MB\n`)()
    expect(config.spool.maxSizeBytes).toBe(2 * 1024 ** 2)
    expect(config.warnings).toHaveLength(1)
    expect(config.warnings[0]).toContain(`${FILE}:11:1: [spool] max_size`)
    expect(config.warnings[0]).toContain('2MB is smaller than batch_bytes (4MB) of server cloud')
    expect(config.warnings[0]).toContain('only in the logfile')
  })

  it('warns for 0 and for a size set from the environment, naming the variable', () => {
    expect(parse(`${servers}[spool]\nmax_size = 0\n`)().warnings[0]).toContain('[spool] max_size: 0 is smaller than batch_bytes (4MB) of server cloud')
    expect(parse(servers, { EHT_INFLUX_SPOOL_MAX_SIZE: '100KB' })().warnings[0]).toContain('environment variable EHT_INFLUX_SPOOL_MAX_SIZE: [spool] max_size: 100KB')
  })

  it('says nothing when one batch fits, when no enabled server sends batches, or by default', () => {
    expect(parse(`${servers}[spool]\nmax_size = 4MB\n`)().warnings).toEqual([])
    expect(parse(`${servers}enabled = false\n[spool]\nmax_size = 2MB\n`)().warnings).toEqual([])
    expect(parse('[client]\nbucket = eht_test\n[spool]\nmax_size = 1KB\n')().warnings).toEqual([])
    expect(parse(servers)().warnings).toEqual([])
  })
})

describe('which of several problems is reported (the order the README gives)', () => {
  it('reports a value of the wrong form before a check across keys, even one higher in the file', () => {
    // The profile guard (line 2) needs every bucket, so it runs after the whole file is read: an invalid value on line 4 comes first.
    const both = '[client]\nbucket = eht_prod\n[retry]\nmax_retries = lots\n'
    expectConfigError(parse(both), InvalidValueError, { line: 4, section: 'retry', key: 'max_retries' })
    expectConfigError(parse(both.replace('lots', '3')), ProfileMismatchError, { line: 2, section: 'client', key: 'bucket' })
  })

  it('reports the one nearest the top among unknown keys and values of the wrong form', () => {
    expectConfigError(parse('[client]\nbucket = eht_test\n[retry]\nmax_retries = lots\n[spool]\nmax_sise = 1GB\n'), InvalidValueError, { line: 4 })
    expectConfigError(parse('[client]\nbucket = eht_test\n[spool]\nmax_sise = 1GB\n[retry]\nmax_retries = lots\n'), UnknownKeyError, { line: 4 })
  })

  it('runs the checks across keys in file order: servers, the profile guard, [logfile], then [retry]', () => {
    const text = '[client]\nbucket = eht_test\n[server.a]\nurl = http://a\ntoken = t\ntimeout = 30d\n[logfile]\nflush_interval = 0\n[retry]\nmin_delay = 10s\nmax_delay = 5s\n'
    expectConfigError(parse(text), InvalidValueError, { line: 6, key: 'timeout' })
    expectConfigError(parse(text.replace('timeout = 30d', 'bucket = eht')), ProfileMismatchError, { line: 6 })
    expectConfigError(parse(text.replace('timeout = 30d\n', '')), InvalidValueError, { line: 7, section: 'logfile', key: 'flush_interval' })
    expectConfigError(parse(text.replace('timeout = 30d\n', '').replace('flush_interval = 0', 'flush_interval = 1s')), InvalidValueError, { line: 10, section: 'retry', key: 'max_delay' })
  })
})
