import { describe, expect, it } from 'vitest'
import { ConfigSyntaxError, DuplicateKeyError, DuplicateServerError } from './errors.js'
import { scan } from './scan.js'
import { FILE, expectConfigError } from '../test/expect-config-error.js'

const value = (line: string) => scan(`[s]\n${line}\n`, FILE).entries[0]!.value

describe('inline comments', () => {
  it.each([
    ['url = http://127.0.0.1:8086 ; the local one', 'http://127.0.0.1:8086'],
    ['url = http://127.0.0.1:8086   # the local one', 'http://127.0.0.1:8086'],
    ['key = value;no space is part of the value', 'value;no space is part of the value'],
    ['password = abc#123', 'abc#123'],
    ['key = ; only a comment', ''],
    ['key =', ''],
    ['key: old style separator', 'old style separator'],
  ])('%s -> %j', (line, expected) => {
    expect(value(line)).toBe(expected)
  })

  it('skips comment lines starting with ; or #, also indented, and a comment after [section]', () => {
    const scanned = scan('; top\n# top\n[client] ; the client\n  ; indented\n\tbucket = b ; c\n', FILE)
    expect(scanned.sections).toEqual([{ name: 'client', line: 3, column: 1 }])
    expect(scanned.entries).toEqual([{ section: 'client', key: 'bucket', value: 'b', line: 5, column: 2 }])
  })
})

describe('quoting', () => {
  it.each([
    ['token = "abc ; not a comment" ; a comment', 'abc ; not a comment'],
    ["token = 'abc # not a comment' # a comment", 'abc # not a comment'],
    ['path = "/data/with space/"', '/data/with space/'],
    ['k = "say \\"hi\\" \\\\ ok"', 'say "hi" \\ ok'],
    ["k = 'single keeps \\\\ as is'", 'single keeps \\\\ as is'],
    ['k = "=="', '=='],
    ['k = ""', ''],
  ])('%s -> %j', (line, expected) => {
    expect(value(line)).toBe(expected)
  })

  it('rejects an unterminated quote and text after the closing quote, without echoing the value', () => {
    const open = expectConfigError(() => scan('[server.a]\ntoken = "sekrit-value\n', FILE), ConfigSyntaxError, { file: FILE, line: 2, section: 'server.a', key: 'token' }, 'never closed')
    expect(open.message).not.toContain('sekrit')
    const after = expectConfigError(() => scan('[server.a]\n\npassword = "sekrit"x\n', FILE), ConfigSyntaxError, { line: 3, key: 'password' }, 'after the closing')
    expect(after.message).not.toContain('sekrit')
  })
})

describe('syntax errors', () => {
  it('reports a line that is not key = value, without echoing it (it may be a pasted token)', () => {
    const error = expectConfigError(() => scan('[client]\nbucket = b\nsekrit-token-pasted-alone\n', FILE), ConfigSyntaxError, { file: FILE, line: 3, column: 1, section: 'client' }, 'expected `key = value`')
    expect(error.message).not.toContain('sekrit')
    const spaced = expectConfigError(() => scan('[client]\ntoken sekrit== \n', FILE), ConfigSyntaxError, { line: 2 }, 'not a key name')
    expect(spaced.message).not.toContain('sekrit')
  })

  it('reports a key before any section, a bad header and a server without a name', () => {
    expectConfigError(() => scan('bucket = b\n', FILE), ConfigSyntaxError, { line: 1, key: 'bucket' }, 'before any [section]')
    expectConfigError(() => scan('[client\n', FILE), ConfigSyntaxError, { line: 1 }, '[name] alone on its line')
    expectConfigError(() => scan('\n[server]\n', FILE), ConfigSyntaxError, { line: 2, section: 'server' }, '[server.<name>]')
    expectConfigError(() => scan('[server.a.b]\n', FILE), ConfigSyntaxError, { line: 1, section: 'server.a.b' }, 'without dots')
    expectConfigError(() => scan('[my section]\n', FILE), ConfigSyntaxError, { line: 1 }, 'letters, digits')
  })

  it('counts lines for \\r\\n files and after a byte order mark', () => {
    const scanned = scan('\uFEFF[client]\r\n\r\nbucket = b\r\n', FILE)
    expect(scanned.entries[0]).toMatchObject({ key: 'bucket', value: 'b', line: 3 })
  })
})

describe('duplicates', () => {
  it('rejects a key set twice in a section, naming both lines', () => {
    expectConfigError(() => scan('[retry]\nmax_retries = 3\n\nmax_retries = 4\n', FILE), DuplicateKeyError, { file: FILE, line: 4, section: 'retry', key: 'max_retries' }, 'lines 2 and 4')
  })
  it('rejects a section given twice', () => {
    expectConfigError(() => scan('[retry]\n[client]\n[retry]\n', FILE), DuplicateKeyError, { line: 3, section: 'retry' }, 'lines 1 and 3')
  })
  it('rejects two servers with the same name, also differing only in case', () => {
    expectConfigError(() => scan('[server.local]\nurl = http://a\n[server.local]\n', FILE), DuplicateServerError, { file: FILE, line: 3, section: 'server.local' }, 'two servers named `local`', 'lines 1 and 3')
    expectConfigError(() => scan('[server.cloud]\n[server.Cloud]\n', FILE), DuplicateServerError, { line: 2, section: 'server.Cloud' }, 'lines 1 and 2')
  })
  it('rejects two servers whose names differ only by - and _ (one EHT_INFLUX_SERVER_<NAME>_ prefix for both), naming both', () => {
    const error = expectConfigError(() => scan('[server.cloud-eu]\nurl = http://a\n\n[server.cloud_eu]\nurl = http://b\n', FILE), DuplicateServerError, { file: FILE, line: 4, section: 'server.cloud_eu' }, '[server.cloud-eu] (line 1)', '[server.cloud_eu] (line 4)', 'EHT_INFLUX_SERVER_CLOUD_EU_<KEY>')
    expect(error.message).not.toContain('two servers named')
    expectConfigError(() => scan('[server.A-b]\n[server.a_B]\n', FILE), DuplicateServerError, { line: 2, section: 'server.a_B' }, '[server.A-b] (line 1)', 'EHT_INFLUX_SERVER_A_B_<KEY>')
  })
  it('keeps servers whose names only start alike (x and x_batch): each has its own prefix', () => {
    expect(scan('[server.x]\n[server.x_batch]\n[server.x-b]\n', FILE).sections.map((s) => s.name)).toEqual(['server.x', 'server.x_batch', 'server.x-b'])
  })
})
