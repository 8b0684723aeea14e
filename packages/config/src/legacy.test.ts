import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConflictingKeysError, InvalidValueError, ProfileMismatchError, UnknownKeyError } from './errors.js'
import { parseConfig } from './parse-config.js'
import { expectConfigError } from '../test/expect-config-error.js'

const file = fileURLToPath(new URL('../test/fixtures/python-client.ini', import.meta.url))
const text = fs.readFileSync(file, 'utf8')

describe('a file in the original Python client\'s format', () => {
  const config = parseConfig(text, file, { env: {} })

  it('is read as two servers, with the quotes removed', () => {
    expect(config.servers.map((s) => ({ name: s.name, url: s.url, org: s.org, bucket: s.bucket, api: s.api, token: s.token?.reveal() }))).toEqual([
      { name: 'primary', url: 'http://localhost:8086/', org: 'eht', bucket: 'vlbimon_test', api: 'v2', token: 'local-token-value' },
      { name: 'secondary', url: 'https://cloud.example.org/', org: 'eht', bucket: 'vlbimon_test', api: 'v2', token: 'cloud-token-value' },
    ])
    expect(config.client.profile).toBe('test')
  })

  it('keeps writing the JSONL logfile it named, without rotation', () => {
    expect(config.logfile).toMatchObject({ path: '/data/logs/vlbimon.jsonl', format: 'jsonl', rotate: { kind: 'none' } })
  })

  it('gives exactly one warning, pointing to print-config, and no token', () => {
    expect(config.warnings).toHaveLength(1)
    expect(config.warnings[0]).toContain(`${file} is in the old Python client's format ([eht_influx], line 1)`)
    expect(config.warnings[0]).toContain('url, org, bucket, token as [server.primary]; url2, org2, bucket2, token2 as [server.secondary]')
    expect(config.warnings[0]).toContain('csvlogfile is not used')
    expect(config.warnings[0]).toContain('eht-influx-client print-config')
    expect(config.warnings[0]).not.toMatch(/token-value/)
  })

  it('takes a production profile from a production bucket, and a csv logfile alone', () => {
    const prod = parseConfig('[eht_influx]\nurl: http://localhost:8086\norg: eht\nbucket: vlbimon\ntoken: t\ncsvlogfile: log.csv\n', '/station/old.ini', { env: {} })
    expect(prod.client.profile).toBe('prod')
    expect(prod.logfile).toMatchObject({ path: '/station/log.csv', format: 'csv' })
  })

  it('reports errors with the old section and key names and their lines', () => {
    expectConfigError(() => parseConfig('[eht_influx]\nurl: http://a\nbucket: b_test\ntokn: t\n', file, { env: {} }), UnknownKeyError, { file, line: 4, section: 'eht_influx', key: 'tokn' }, 'did you mean `token`?')
    expectConfigError(() => parseConfig('[eht_influx]\nurl: localhost:8086\nbucket: b_test\n', file, { env: {} }), InvalidValueError, { line: 2, section: 'eht_influx', key: 'url' })
    expectConfigError(() => parseConfig('[eht_influx]\nurl: http://a\nbucket: b_test\nurl2: http://b\nbucket2: b\n', file, { env: {} }), ProfileMismatchError, { line: 5, section: 'eht_influx', key: 'bucket2' })
  })

  it('may not be mixed with the new sections', () => {
    expectConfigError(() => parseConfig('[eht_influx]\nurl: http://a\n[retry]\nmax_retries = 1\n', file, { env: {} }), ConflictingKeysError, { line: 3, section: 'retry' }, 'cannot be mixed')
  })
})
