import { describe, expect, it } from 'vitest'
import { MissingBucketError, ProfileMismatchError } from './errors.js'
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
