import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigFileUnreadableError, ConflictingKeysError, InvalidValueError, ServerApiMismatchError } from './errors.js'
import { parseConfig } from './parse-config.js'
import { FILE, expectConfigError } from '../test/expect-config-error.js'

const parse = (text: string) => () => parseConfig(`[client]\nbucket = eht_test\n${text}\n`, FILE, { env: { TOKEN: 't' } })
const CA_FIXTURE = fileURLToPath(new URL('../test/fixtures/ca.pem', import.meta.url))
// `openssl x509 -in ca.pem -addtrust serverAuth -out ca-trusted.pem`: the certificate and its trust settings.
const TRUSTED_FIXTURE = fileURLToPath(new URL('../test/fixtures/ca-trusted.pem', import.meta.url))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-config-server-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('a server whose api does not match its keys', () => {
  it.each([
    ['api = v1\ntoken = abc', 'token', 'is for api = v2 servers, but this server has api = v1'],
    ['api = v1\ntoken_env = TOKEN', 'token_env', 'is for api = v2 servers'],
    ['api = v1\norg = eht', 'org', 'is for api = v2 servers'],
    ['username = eht\npassword = pw', 'username', 'is for api = v1 servers, but this server has api = v2, which authenticates with a token (token_env, token_file or token) (for an InfluxDB 1.x server set api = v1)'],
    ['api = v2\npassword_env = TOKEN', 'password_env', 'is for api = v1 servers'],
  ])('%j is rejected at the key', (lines, key, phrase) => {
    const error = expectConfigError(parse(`[server.db]\nurl = http://a\n${lines}`), ServerApiMismatchError, { file: FILE, line: 4 + lines.split('\n').findIndex((l) => l.startsWith(key)) + 1, section: 'server.db', key }, phrase)
    expect(error.message).not.toContain('abc')
    expect(error.message).not.toContain('pw')
  })

  it('rejects a v1 username without a password and the reverse', () => {
    expectConfigError(parse('[server.db]\nurl = http://a\napi = v1\nusername = eht'), ConflictingKeysError, { line: 6, key: 'username' }, 'a username without the other')
    expectConfigError(parse('[server.db]\nurl = http://a\napi = v1\npassword = pw'), ConflictingKeysError, { line: 3, section: 'server.db' }, 'a password without the other')
  })

  it('rejects a v1 bucket with more than database/retention_policy', () => {
    expectConfigError(parse('[server.db]\nurl = http://a\napi = v1\nbucket = a_test/b/c'), InvalidValueError, { line: 6, section: 'server.db', key: 'bucket' }, 'a database or database/retention_policy (server db has api = v1)')
  })
})

describe('ca_file', () => {
  it('is resolved against the config file and must be readable when the server is enabled', () => {
    const ca = path.join(dir, 'ca.pem')
    fs.copyFileSync(CA_FIXTURE, ca)
    const config = parseConfig('[server.a]\nurl = https://a\nbucket = a_test\nca_file = ca.pem\n', path.join(dir, 'config.ini'), { env: {} })
    expect(config.servers[0]!.caFile).toBe(ca)
    expectConfigError(() => parseConfig('[server.a]\nurl = https://a\nbucket = a_test\nca_file = missing.pem\n', path.join(dir, 'config.ini'), { env: {} }), ConfigFileUnreadableError, { line: 4, section: 'server.a', key: 'ca_file' }, `${path.join(dir, 'missing.pem')}: it does not exist`)
    const disabled = parseConfig('[server.a]\nurl = https://a\nbucket = a_test\nca_file = missing.pem\nenabled = false\n', path.join(dir, 'config.ini'), { env: {} })
    expect(disabled.servers[0]).toMatchObject({ enabled: false, caFile: path.join(dir, 'missing.pem') })
  })
})

describe('ca_file content', () => {
  const config = (file: string) => () => parseConfig(`[server.a]\nurl = https://a\nbucket = a_test\nca_file = ${file}\n`, path.join(dir, 'config.ini'), { env: {} })
  const pem = fs.readFileSync(CA_FIXTURE, 'utf8')

  it.each([
    ['an INI file', '[client]\nbucket = eht_test\n'],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n'],
    ['a DER certificate', Buffer.from(pem.split('\n').filter((l) => !l.startsWith('-----')).join(''), 'base64').toString('latin1')],
    ['an empty file', ''],
  ])('refuses %s: it holds no PEM certificate', (what, content) => {
    const file = path.join(dir, `not-a-ca-${what.replaceAll(' ', '-')}.pem`)
    fs.writeFileSync(file, content, 'latin1')
    expectConfigError(config(file), InvalidValueError, { line: 4, section: 'server.a', key: 'ca_file' }, `the CA certificate file ${file} holds no PEM certificate`, 'in PEM format')
  })

  it('refuses a certificate block cut short, naming the block and its line', () => {
    const file = path.join(dir, 'cut.pem')
    const lines = pem.split('\n')
    fs.writeFileSync(file, `# CA of the station\n${[...lines.slice(0, 3), ...lines.slice(5)].join('\n')}`)
    expectConfigError(config(file), InvalidValueError, { line: 4, key: 'ca_file' }, `the CA certificate file ${file} holds a certificate block that cannot be read (certificate 1, from line 2`)
  })

  it('takes the TRUSTED CERTIFICATE openssl -addtrust writes (as RHEL ca-bundle.trust.crt), as Node.js does', () => {
    const trusted = fs.readFileSync(TRUSTED_FIXTURE, 'utf8')
    const der = (text: string) => Buffer.from(text.split('\n').filter((l) => !l.startsWith('-----')).join(''), 'base64')
    // The fixture is real openssl output for ca.pem: that certificate, then the trust settings.
    expect(trusted).toContain('-----BEGIN TRUSTED CERTIFICATE-----')
    expect(der(trusted).subarray(0, der(pem).length).equals(der(pem))).toBe(true)
    expect(der(trusted).length).toBeGreaterThan(der(pem).length)
    expect(() => tls.createSecureContext({ ca: trusted })).not.toThrow()
    const alone = path.join(dir, 'ca-trusted.pem')
    fs.writeFileSync(alone, trusted)
    expect(config(alone)().servers[0]!.caFile).toBe(alone)
    const bundle = path.join(dir, 'ca-bundle.trust.crt')
    fs.writeFileSync(bundle, `# RHEL-style bundle\n${trusted}${pem}`)
    expect(config(bundle)().servers[0]!.caFile).toBe(bundle)
  })

  it('takes an X509 CERTIFICATE block', () => {
    const file = path.join(dir, 'x509.pem')
    fs.writeFileSync(file, pem.replaceAll('CERTIFICATE-----', 'X509 CERTIFICATE-----'))
    expect(config(file)().servers[0]!.caFile).toBe(file)
  })

  it.each([
    ['cut short', (body: string[]) => body.slice(0, 3)],
    ['not base64', (body: string[]) => [...body.slice(0, 2), 'not base64 at all!', ...body.slice(2)]],
    ['empty', () => []],
  ])('refuses a TRUSTED CERTIFICATE block %s', (_, change) => {
    const lines = fs.readFileSync(TRUSTED_FIXTURE, 'utf8').trimEnd().split('\n')
    const file = path.join(dir, 'bad-trusted.pem')
    fs.writeFileSync(file, [lines[0], ...change(lines.slice(1, -1)), lines.at(-1)].join('\n'))
    expectConfigError(config(file), InvalidValueError, { line: 4, key: 'ca_file' }, `the CA certificate file ${file} holds a certificate block that cannot be read (certificate 1, from line 1`)
  })

  it('takes several certificates with text and a key around them, and CRLF line endings', () => {
    const file = path.join(dir, 'bundle.pem')
    fs.writeFileSync(file, `subject=CN = test\r\n${pem.replaceAll('\n', '\r\n')}\r\n-----BEGIN PRIVATE KEY-----\r\nAAAA\r\n-----END PRIVATE KEY-----\r\n${pem}`)
    expect(config(file)().servers[0]!.caFile).toBe(file)
  })
})
