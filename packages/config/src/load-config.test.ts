import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigFileNotFoundError, ConfigFileUnreadableError, ConfigSyntaxError } from './errors.js'
import { loadConfig } from './load-config.js'
import { expectConfigErrorAsync } from '../test/expect-config-error.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-config-load-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
let n = 0
let cwd: string
let home: string
beforeEach(() => {
  cwd = path.join(root, `case-${++n}`, 'station')
  home = path.join(root, `case-${n}`, 'home')
  fs.mkdirSync(cwd, { recursive: true })
  fs.mkdirSync(path.join(home, '.config', 'eht-influx-client'), { recursive: true })
})

const write = (file: string, station: string, mode = 0o600) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, `[client]\nstation = ${station}\n`)
  fs.chmodSync(file, mode)
  return file
}
const load = (file?: string, env: NodeJS.ProcessEnv = {}) => loadConfig(file, { env: { HOME: home, ...env }, cwd })
const noEtcFile = !fs.existsSync('/etc/eht-influx-client/config.ini')

describe('loadConfig with a path', () => {
  it('expands ~ and $VARS and reads the file', async () => {
    const file = write(path.join(home, 'eht', 'kp.ini'), 'Kp')
    expect((await load('~/eht/kp.ini')).client.station).toBe('Kp')
    const config = await load('$SITE_DIR/${SITE}.ini', { SITE_DIR: path.join(home, 'eht'), SITE: 'kp' })
    expect(config.source).toBe(file)
  })

  it('names the expanded path, how it was given and the search order when the file is missing', async () => {
    write(path.join(home, '.config/eht-influx-client/config.ini'), 'Sw')
    const missing = path.join(home, 'eht', 'kpp.ini')
    await expectConfigErrorAsync(load('~/eht/kpp.ini'), ConfigFileNotFoundError, { file: missing }, 'given as ~/eht/kpp.ini', '$EHT_INFLUX_CONFIG (not set)', `${path.join(cwd, 'influx_config.ini')},`, `${path.join(home, '.config/eht-influx-client/config.ini')} (exists)`, '/etc/eht-influx-client/config.ini')
  })

  it('rejects a path naming an unset variable', async () => {
    await expectConfigErrorAsync(load('$NO_SUCH_DIR/x.ini'), ConfigFileNotFoundError, {}, 'names $NO_SUCH_DIR, which is not set')
  })

  it('reads the path given even when $EHT_INFLUX_CONFIG names an unset variable (the path given comes first)', async () => {
    const file = write(path.join(cwd, 'ok.ini'), 'Ok')
    const config = await load('ok.ini', { EHT_INFLUX_CONFIG: '$UNSET_DIR/x.ini' })
    expect([config.source, config.client.station]).toEqual([file, 'Ok'])
    // Still listed, unusable, when the path given is missing.
    await expectConfigErrorAsync(load('missing.ini', { EHT_INFLUX_CONFIG: '$UNSET_DIR/x.ini' }), ConfigFileNotFoundError, { file: path.join(cwd, 'missing.ini') }, 'given as missing.ini', '$EHT_INFLUX_CONFIG=$UNSET_DIR/x.ini (unusable: EHT_INFLUX_CONFIG, the configuration path $UNSET_DIR/x.ini names $UNSET_DIR, which is not set)')
  })

  it('reports a file that exists but cannot be read', async () => {
    fs.mkdirSync(path.join(cwd, 'dir.ini'))
    await expectConfigErrorAsync(load('dir.ini'), ConfigFileUnreadableError, { file: path.join(cwd, 'dir.ini') }, 'it is a directory')
  })
})

describe('loadConfig without a path: the search order', () => {
  it('takes $EHT_INFLUX_CONFIG first', async () => {
    write(path.join(cwd, 'influx_config.ini'), 'Cwd')
    write(path.join(home, 'elsewhere.ini'), 'Env')
    expect((await load(undefined, { EHT_INFLUX_CONFIG: '~/elsewhere.ini' })).client.station).toBe('Env')
  })

  it('fails when $EHT_INFLUX_CONFIG names a missing file, rather than silently reading another', async () => {
    write(path.join(cwd, 'influx_config.ini'), 'Cwd')
    await expectConfigErrorAsync(load(undefined, { EHT_INFLUX_CONFIG: '/no/such.ini' }), ConfigFileNotFoundError, { file: '/no/such.ini' }, 'given as $EHT_INFLUX_CONFIG=/no/such.ini', `${path.join(cwd, 'influx_config.ini')} (exists)`)
  })

  it('says the path came from $EHT_INFLUX_CONFIG when a variable it names is unset, rather than reading another', async () => {
    write(path.join(cwd, 'influx_config.ini'), 'Cwd')
    await expectConfigErrorAsync(load(undefined, { EHT_INFLUX_CONFIG: '$UNSET_DIR/x.ini' }), ConfigFileNotFoundError, {}, 'EHT_INFLUX_CONFIG, the configuration path $UNSET_DIR/x.ini names $UNSET_DIR, which is not set')
  })

  it('then ./influx_config.ini, then ~/.config/eht-influx-client/config.ini', async () => {
    write(path.join(home, '.config/eht-influx-client/config.ini'), 'Home')
    expect((await load()).client.station).toBe('Home')
    write(path.join(cwd, 'influx_config.ini'), 'Cwd')
    expect((await load()).client.station).toBe('Cwd')
  })

  it.skipIf(!noEtcFile)('falls back to the built-in default (logfile only), saying where it looked', async () => {
    const config = await load()
    expect(config.source).toBeUndefined()
    expect(config.servers).toEqual([])
    expect(config.logfile.path).toBe(path.join(cwd, 'eht-influx-log/eht-%Y-%m-%d.jsonl'))
    expect(config.warnings).toEqual([
      `no configuration file found (looked in $EHT_INFLUX_CONFIG (not set), ${path.join(cwd, 'influx_config.ini')}, ${path.join(home, '.config/eht-influx-client/config.ini')}, /etc/eht-influx-client/config.ini); using the built-in default (logfile only)`,
    ])
  })

  it.skipIf(!noEtcFile)('applies environment overrides to the default, so a container needs no file', async () => {
    const config = await load(undefined, { EHT_INFLUX_SERVER_CLOUD_URL: 'https://cloud.example.org', EHT_INFLUX_CLIENT_BUCKET: 'ci_test' })
    expect(config.servers.map((s) => [s.name, s.url, s.bucket])).toEqual([['cloud', 'https://cloud.example.org', 'ci_test']])
    expect(config.warnings[0]).toMatch(/using the built-in default with the servers of the EHT_INFLUX_SERVER_\* variables \(cloud\)$/)
  })
})

describe('a configuration file holding a literal token or password', () => {
  const secretFile = (mode: number, line = 'token = literal-token-value') => {
    const file = path.join(cwd, 'influx_config.ini')
    fs.writeFileSync(file, `[client]\nbucket = eht_test\n[server.local]\nurl = http://127.0.0.1:8086\n${line}\n`)
    fs.chmodSync(file, mode)
    return file
  }

  it('is warned about when group or others can read it, naming where the secret is', async () => {
    const file = secretFile(0o644)
    const config = await load()
    expect(config.warnings).toEqual([`${file} holds a literal token or password ([server.local] token, line 5) and is readable by group and others (mode 0644); run \`chmod 600 ${file}\`, or use token_env / token_file (password_env / password_file) instead`])
    expect(config.warnings[0]).not.toContain('literal-token-value')
    secretFile(0o640)
    expect((await load()).warnings[0]).toContain('readable by group (mode 0640)')
  })

  it('is not warned about with mode 600, nor a readable file without a literal secret', async () => {
    secretFile(0o600)
    expect((await load()).warnings).toEqual([])
    secretFile(0o644, 'token_env = LOCAL_TOKEN')
    expect((await load(undefined, { LOCAL_TOKEN: 't' })).warnings).toEqual([])
  })
})

describe('a file that is not UTF-8', () => {
  it('is an error naming file, line and column, not a station with U+FFFD in it', async () => {
    const file = path.join(cwd, 'latin1.ini')
    fs.writeFileSync(file, Buffer.from('[client]\nbucket = eht_test\nstation = K\xe9\n', 'latin1'), { mode: 0o600 })
    await expectConfigErrorAsync(load(file), ConfigSyntaxError, { file, line: 3 }, `${file}:3:12: the file is not valid UTF-8: byte 0xE9 at line 3, column 12`)
    fs.writeFileSync(file, '[client]\nbucket = eht_test\nstation = Ké\n', { mode: 0o600 })
    expect((await load(file)).client.station).toBe('Ké')
  })
})
