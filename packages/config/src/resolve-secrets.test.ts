import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import util from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConflictingKeysError, InvalidValueError, SecretUnavailableError } from './errors.js'
import { formatConfig } from './format-config.js'
import { parseConfig } from './parse-config.js'
import { expectConfigError } from '../test/expect-config-error.js'

let dir: string
let file: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-config-secrets-'))
  file = path.join(dir, 'config.ini')
  fs.writeFileSync(path.join(dir, 'private.token'), 'file-token-value\n', { mode: 0o600 })
  fs.writeFileSync(path.join(dir, 'shared.token'), 'shared-token-value', { mode: 0o644 })
  fs.chmodSync(path.join(dir, 'shared.token'), 0o644)
  fs.writeFileSync(path.join(dir, 'empty.token'), '\n', { mode: 0o600 })
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const v2 = (line: string) => `[client]\nbucket = eht_test\n[server.local]\nurl = http://127.0.0.1:8086\n${line}\n`
const v1 = (line: string) => `[client]\nbucket = eht_test\n[server.db]\nurl = http://127.0.0.1:8086\napi = v1\nusername = eht\n${line}\n`
const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseConfig(text, file, { env })

describe('a token or password comes from exactly one of env, file or value', () => {
  it('reads each source', () => {
    expect(parse(v2('token_env = LOCAL_TOKEN'), { LOCAL_TOKEN: ' env-token-value\n' }).servers[0]!.token!.reveal()).toBe('env-token-value')
    expect(parse(v2('token_file = private.token')).servers[0]!.token!.reveal()).toBe('file-token-value')
    expect(parse(v2('token = literal-token-value')).servers[0]!.token!.reveal()).toBe('literal-token-value')
    expect(parse(v1('password_env = DB_PASSWORD'), { DB_PASSWORD: 'pw-from-env' }).servers[0]!.password!.reveal()).toBe('pw-from-env')
    expect(parse(v1(`password_file = ${path.join(dir, 'private.token')}`)).servers[0]!.password!.reveal()).toBe('file-token-value')
    expect(parse(v2('')).servers[0]!.token).toBeUndefined()
  })

  it('rejects two sources at once', () => {
    expectConfigError(() => parse(v2('token = abc\ntoken_env = X'), { X: 'y' }), ConflictingKeysError, { file, section: 'server.local', key: 'token_env' }, 'set only one of token, token_env')
  })
})

describe('a secret that cannot be had', () => {
  it('names the unset or empty variable, never a value', () => {
    expectConfigError(() => parse(v2('token_env = EHT_INFLUX_LOCAL_TOKEN')), SecretUnavailableError, { file, line: 5, section: 'server.local', key: 'token_env' }, 'environment variable EHT_INFLUX_LOCAL_TOKEN is not set')
    expectConfigError(() => parse(v1('password_env = DB_PW'), { DB_PW: '  ' }), SecretUnavailableError, { line: 7, section: 'server.db', key: 'password_env' }, 'DB_PW is empty')
  })

  it('names the unreadable or empty file', () => {
    expectConfigError(() => parse(v2('token_file = nope.token')), SecretUnavailableError, { file, line: 5, key: 'token_file' }, `cannot read the token file ${path.join(dir, 'nope.token')}: it does not exist`)
    expectConfigError(() => parse(v2(`token_file = ${dir}`)), SecretUnavailableError, { line: 5, key: 'token_file' }, 'it is a directory')
    expectConfigError(() => parse(v2('token_file = empty.token')), SecretUnavailableError, { line: 5, key: 'token_file' }, 'is empty')
  })

  it('never echoes a secret pasted into token_env / password_file by mistake', () => {
    const pasted = 'hQ7f3a9c2e1b84d6Xy9k'
    const env = expectConfigError(() => parse(v2(`token_env = ${pasted}`)), SecretUnavailableError, { line: 5, key: 'token_env' }, 'the environment variable named by token_env (not shown')
    const file = expectConfigError(() => parse(v1(`password_file = ${pasted}`)), SecretUnavailableError, { line: 7, key: 'password_file' }, 'if so, use password_env or password')
    for (const error of [env, file]) {
      expect(`${error.message} ${util.inspect(error, { depth: 10 })}`).not.toContain(pasted)
    }
    // A file name with a . or / is a path, and is named as before.
    expectConfigError(() => parse(v2('token_file = nope.token')), SecretUnavailableError, { key: 'token_file' }, path.join(dir, 'nope.token'))
  })

  it('rejects a token an HTTP header cannot carry, from any source, naming the key and never the token', () => {
    fs.writeFileSync(path.join(dir, 'crlf.token'), 'abc\rdef\n', { mode: 0o600 })
    const literal = expectConfigError(() => parse(v2('token = “abcSecret”')), InvalidValueError, { file, line: 5, section: 'server.local', key: 'token' }, 'character 1 of the token is a non-ASCII character', 'value not shown')
    const fromEnv = expectConfigError(() => parse(v2('token_env = LOCAL_TOKEN'), { LOCAL_TOKEN: 'abcSecret\u0007' }), InvalidValueError, { line: 5, section: 'server.local', key: 'token_env' }, 'character 10 of the token in environment variable LOCAL_TOKEN is a control character')
    const fromFile = expectConfigError(() => parse(v2('token_file = crlf.token')), InvalidValueError, { line: 5, section: 'server.local', key: 'token_file' }, 'character 4 of the token read from the token file is a control character')
    const latin1 = expectConfigError(() => parse(v2('token = abc«Secret»')), InvalidValueError, { line: 5, key: 'token' }, 'character 4 of the token is a non-ASCII character')
    for (const error of [literal, fromEnv, fromFile, latin1]) {
      expect(`${error.message} ${error.problem} ${JSON.stringify(error)}`).not.toMatch(/Secret|abc|def/)
      expect(error.cause).toBeUndefined()
    }
    // Printable ASCII (the characters of real tokens) and any password (sent base64-encoded) are taken.
    expect(parse(v2('token = "abc;def #1== ~!@$%^&*()"')).servers[0]!.token!.reveal()).toBe('abc;def #1== ~!@$%^&*()')
    expect(parse(v1('password = pässwörd“1”')).servers[0]!.password!.reveal()).toBe('pässwörd“1”')
  })

  it('is not looked for on a disabled server', () => {
    const config = parse(v2('token_env = NOT_ON_THIS_MACHINE\nenabled = false'))
    expect(config.servers[0]).toMatchObject({ enabled: false, token: undefined })
  })
})

describe('a secret file readable by group or others', () => {
  it('gets a warning naming the file, not its content', () => {
    const config = parse(v2('token_file = shared.token'))
    expect(config.servers[0]!.token!.reveal()).toBe('shared-token-value')
    expect(config.warnings).toEqual([`${path.join(dir, 'shared.token')} holds a token and is readable by group and others; run \`chmod 600 ${path.join(dir, 'shared.token')}\``])
    expect(parse(v2('token_file = private.token')).warnings).toEqual([])
  })
})

describe('the *** placeholder print-config writes', () => {
  it.each([
    ['token = ***', {}, 'token', 'the token is ***'],
    ['token = "***"', {}, 'token', 'the token is ***'],
    ['token_env = LOCAL_TOKEN', { LOCAL_TOKEN: '***' }, 'token_env', 'the token in environment variable LOCAL_TOKEN is ***'],
    ['token_file = placeholder.secret', {}, 'token_file', 'the token read from the token file is ***'],
  ] as const)('is refused as a token: %s', (line, env, key, phrase) => {
    fs.writeFileSync(path.join(dir, 'placeholder.secret'), '***\n', { mode: 0o600 })
    expectConfigError(() => parse(v2(line), env), InvalidValueError, { file, line: 5, section: 'server.local', key }, phrase, 'the placeholder print-config writes instead of a secret; set the real token')
  })

  it.each([
    ['password = ***', {}, 'password', 'the password is ***'],
    ['password_env = DB_PW', { DB_PW: '***' }, 'password_env', 'the password in environment variable DB_PW is ***'],
    ['password_file = placeholder.secret', {}, 'password_file', 'the password read from the password file is ***'],
  ] as const)('is refused as a password: %s', (line, env, key, phrase) => {
    fs.writeFileSync(path.join(dir, 'placeholder.secret'), '***\n', { mode: 0o600 })
    expectConfigError(() => parse(v1(line), env), InvalidValueError, { file, line: 7, section: 'server.db', key }, phrase, 'set the real password')
  })

  it('so the output of formatConfig, loaded back, fails at the token instead of sending ***', () => {
    const printed = formatConfig(parse(v2('token = real-token-value')))
    expect(printed).toContain('token = ***')
    const line = printed.split('\n').indexOf('token = ***') + 1
    const error = expectConfigError(() => parseConfig(printed, file, { env: {} }), InvalidValueError, { line, section: 'server.local', key: 'token' }, 'placeholder print-config writes')
    expect(error.message).not.toContain('real-token-value')
    // A secret that merely holds *** is a secret like any other.
    expect(parse(v2('token = ab***cd')).servers[0]!.token!.reveal()).toBe('ab***cd')
  })
})

describe('surrounding whitespace', () => {
  it('a password keeps it (it may hold any character): only the line ending(s) at the end of the file or variable go', () => {
    fs.writeFileSync(path.join(dir, 'spaced.password'), '  pass word \t\r\n', { mode: 0o600 })
    expect(parse(v1('password_file = spaced.password')).servers[0]!.password!.reveal()).toBe('  pass word \t')
    expect(parse(v1('password_env = DB_PW'), { DB_PW: ' pw \n' }).servers[0]!.password!.reveal()).toBe(' pw ')
    expect(parse(v1('password = " pw "')).servers[0]!.password!.reveal()).toBe(' pw ')
    const override = parseConfig(v1('password = x'), file, { env: { EHT_INFLUX_SERVER_DB_PASSWORD: ' pw ' } })
    expect(override.servers[0]!.password!.reveal()).toBe(' pw ')
  })

  it('a token is trimmed (it holds none), and a blank password is still empty', () => {
    fs.writeFileSync(path.join(dir, 'spaced.token'), '  tok-en \n\n', { mode: 0o600 })
    expect(parse(v2('token_file = spaced.token')).servers[0]!.token!.reveal()).toBe('tok-en')
    fs.writeFileSync(path.join(dir, 'blank.password'), ' \n', { mode: 0o600 })
    expectConfigError(() => parse(v1('password_file = blank.password')), SecretUnavailableError, { line: 7, key: 'password_file' }, 'is empty')
  })

  it('a byte order mark at the start of a password or token file is no part of the secret', () => {
    fs.writeFileSync(path.join(dir, 'bom.password'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' pässwort\r\n')]), { mode: 0o600 })
    expect(parse(v1('password_file = bom.password')).servers[0]!.password!.reveal()).toBe(' pässwort')
    fs.writeFileSync(path.join(dir, 'bom.token'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('tok-en\n')]), { mode: 0o600 })
    expect(parse(v2('token_file = bom.token')).servers[0]!.token!.reveal()).toBe('tok-en')
    // Only one, at the start: a U+FEFF elsewhere is a character of the password like any other.
    fs.writeFileSync(path.join(dir, 'inner.password'), 'pw\uFEFFx\n', { mode: 0o600 })
    expect(parse(v1('password_file = inner.password')).servers[0]!.password!.reveal()).toBe('pw\uFEFFx')
  })

  it('a password file that is not UTF-8 is refused, not decoded into U+FFFD', () => {
    fs.writeFileSync(path.join(dir, 'latin1.password'), Buffer.from('p\xe4sswort\n', 'latin1'), { mode: 0o600 })
    const error = expectConfigError(() => parse(v1('password_file = latin1.password')), SecretUnavailableError, { line: 7, key: 'password_file' }, `the password file ${path.join(dir, 'latin1.password')} is not valid UTF-8`)
    expect(error.message).not.toMatch(/sswort/)
    fs.writeFileSync(path.join(dir, 'utf8.password'), 'pässwort\n', { mode: 0o600 })
    expect(parse(v1('password_file = utf8.password')).servers[0]!.password!.reveal()).toBe('pässwort')
  })
})
