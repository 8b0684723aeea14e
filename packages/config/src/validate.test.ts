import util from 'node:util'
import { describe, expect, it } from 'vitest'
import { InvalidValueError, MissingValueError, UnknownKeyError, UnknownSectionError } from './errors.js'
import { parseConfig } from './parse-config.js'
import { FILE, expectConfigError } from '../test/expect-config-error.js'

const parse = (text: string) => () => parseConfig(text, FILE, { env: {} })
const server = (lines: string) => parse(`[client]\nbucket = eht_test\n[server.local]\nurl = http://127.0.0.1:8086\n${lines}\n`)

describe('unknown sections and keys', () => {
  it('names the key and suggests the closest one', () => {
    expectConfigError(parse('[retry]\nmin_delay = 1s\nmax_retrys = 3\n'), UnknownKeyError, { file: FILE, line: 3, column: 1, section: 'retry', key: 'max_retrys' }, 'did you mean `max_retries`?')
    expectConfigError(server('tiemout = 5s'), UnknownKeyError, { line: 5, section: 'server.local', key: 'tiemout' }, 'did you mean `timeout`?')
  })

  it('says where a key belongs when it is in the wrong section, and lists the keys otherwise', () => {
    expectConfigError(parse('[retry]\nstation = Kp\n'), UnknownKeyError, { line: 2, section: 'retry', key: 'station' }, '`station` belongs in [client]')
    expectConfigError(parse('[spool]\nfoo = 1\n'), UnknownKeyError, { line: 2, section: 'spool', key: 'foo' }, '[spool] takes: dir, max_size')
  })

  it('names an unknown section and suggests the closest', () => {
    expectConfigError(parse('[client]\n[retires]\nmax_retries = 1\n'), UnknownSectionError, { file: FILE, line: 2, section: 'retires' }, 'did you mean `[retry]`?')
    expectConfigError(parse('[servers.local]\nurl = http://a\n'), UnknownSectionError, { line: 1, section: 'servers.local' }, 'did you mean `[server.local]`?')
    expectConfigError(parse('[weather]\n'), UnknownSectionError, { line: 1, section: 'weather' }, 'the sections are [client], [logfile], [retry], [spool], [errors], [server.<name>]')
  })

  it('reports the first problem in the file when there are several', () => {
    expectConfigError(parse('[spool]\nmax_size = lots\n[retry]\njiter = 1\n[clinet]\n'), InvalidValueError, { line: 2, key: 'max_size' })
  })
})

describe('bad values say what was expected', () => {
  it.each([
    ['[retry]\nmin_delay = 10', 'retry', 'min_delay', '"10" is not valid; expected a duration: a number with ms, s, m, h or d'],
    ['[retry]\nmax_retry_time = 1 hour', 'retry', 'max_retry_time', 'expected a duration'],
    ['[spool]\nmax_size = 10 gigs', 'spool', 'max_size', '"10 gigs" is not valid; expected a size: a number with B, KB, MB or GB (powers of 1024)'],
    ['[logfile]\nrotate = weekly', 'logfile', 'rotate', 'expected none, hourly, daily or a size'],
    ['[logfile]\nformat = json', 'logfile', 'format', 'expected one of: jsonl, csv, lp'],
    ['[logfile]\ncompress = maybe', 'logfile', 'compress', 'expected true or false'],
    ['[client]\nprofile = production', 'client', 'profile', 'expected one of: test, prod'],
    ['[client]\nwrite_mode = async', 'client', 'write_mode', 'expected one of: asynchronous, synchronous'],
    ['[errors]\nstderr = all', 'errors', 'stderr', 'expected one of: summary, every, off'],
    ['[retry]\nmax_retries = -1', 'retry', 'max_retries', 'expected a whole number, at least 0'],
    ['[retry]\njitter = 1.5', 'retry', 'jitter', 'expected a number from 0 to 1'],
    ['[retry]\nexponential_base = 0.5', 'retry', 'exponential_base', 'expected a number, at least 1'],
    ['[retry]\nmin_delay = 1m\nmax_delay = 30s', 'retry', 'max_delay', 'no shorter than min_delay (1m)'],
    ['[logfile]\nflush_interval = 0', 'logfile', 'flush_interval', '"0" is not valid; expected a duration above 0 such as 1s, as fsync = interval syncs'],
    ['[logfile]\nfsync = interval\nflush_interval = 0ms', 'logfile', 'flush_interval', 'expected a duration above 0'],
  ])('%j', (text, section, key, phrase) => {
    expectConfigError(parse(`${text}\n`), InvalidValueError, { file: FILE, line: text.split('\n').length, section, key }, phrase)
  })

  it.each([
    ['url = 127.0.0.1:8086', 'url', 'expected an http:// or https:// URL'],
    ['url = http://', 'url', 'expected an http:// or https:// URL'],
    ['timeout = fast', 'timeout', 'expected a duration'],
    ['timeout = 0', 'timeout', '"0" is not valid; expected a duration above 0'],
    ['timeout = 0s', 'timeout', '"0s" is not valid; expected a duration above 0'],
    ['batch_size = 0', 'batch_size', 'expected a whole number, at least 1'],
    ['enabled = enabled', 'enabled', 'expected true or false'],
    ['api = v3', 'api', 'expected one of: v2, v1'],
    ['token_env = MY-TOKEN', 'token_env', 'the name of an environment variable'],
  ])('server %j', (line, key, phrase) => {
    const text = `[client]\nbucket = eht_test\n[server.local]\n${line.startsWith('url') ? '' : 'url = http://a\n'}${line}\n`
    expectConfigError(parse(text), InvalidValueError, { line: text.split('\n').length - 1, section: 'server.local', key }, phrase)
  })

  it('never echoes credentials written into a URL', () => {
    const error = expectConfigError(parse('[client]\nbucket = b_test\n[server.a]\nurl = https://eht:hunter2@cloud.example.org\n'), InvalidValueError, { line: 4, section: 'server.a', key: 'url' }, 'without user:password@')
    expect(error.message).not.toContain('hunter2')
    // Without a scheme, or with a / in the password, there is no `//...@` to find: still masked.
    for (const url of ['eht:hunter2@cloud.example.org:8086', 'https://eht:hun/ter2@cloud.example.org']) {
      const e = expectConfigError(parse(`[client]\nbucket = b_test\n[server.a]\nurl = ${url}\n`), InvalidValueError, { line: 4, key: 'url' }, '***@cloud.example.org')
      expect(e.message).not.toContain('hunter2')
      expect(e.message).not.toContain('hun/ter2')
    }
  })

  it('takes any timeout above 0, and flush_interval = 0 where the logfile does not use it (fsync = always or never)', () => {
    expect(server('timeout = 1ms')().servers[0]!.timeoutMs).toBe(1)
    expect(parse('[logfile]\nfsync = never\nflush_interval = 0\n')().logfile).toMatchObject({ fsync: 'never', flushIntervalMs: 0 })
    expect(parse('[logfile]\nfsync = always\nflush_interval = 0\n')().logfile).toMatchObject({ fsync: 'always', flushIntervalMs: 0 })
  })

  it('never echoes a token or password pasted into token_env / password_env, from the file or the environment', () => {
    const pasted = 'SuperSecret-Token=='
    const inFile = expectConfigError(server(`token_env = ${pasted}`), InvalidValueError, { file: FILE, line: 5, section: 'server.local', key: 'token_env' }, 'is not the name of an environment variable', 'value not shown', 'use token_file or token')
    const v1 = expectConfigError(parse(`[client]\nbucket = eht_test\n[server.db]\nurl = http://a\napi = v1\nusername = eht\npassword_env = ${pasted}\n`), InvalidValueError, { line: 7, section: 'server.db', key: 'password_env' }, 'value not shown', 'use password_file or password')
    const fromEnv = expectConfigError(() => parseConfig('[client]\nbucket = eht_test\n', FILE, { env: { EHT_INFLUX_SERVER_LOCAL_URL: 'http://a', EHT_INFLUX_SERVER_LOCAL_TOKEN_ENV: pasted } }), InvalidValueError, { variable: 'EHT_INFLUX_SERVER_LOCAL_TOKEN_ENV', section: 'server.local', key: 'token_env' }, 'value not shown')
    for (const error of [inFile, v1, fromEnv]) {
      expect(`${error.message} ${error.problem} ${JSON.stringify(error)} ${util.inspect(error, { depth: 10 })}`).not.toContain('SuperSecret')
    }
  })

  it('requires a url for every server', () => {
    expectConfigError(parse('[client]\nbucket = b_test\n\n[server.cloud]\nbucket = c_test\n'), MissingValueError, { file: FILE, line: 4, section: 'server.cloud', key: 'url' }, 'every server needs `url`')
  })
})
