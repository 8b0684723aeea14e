import { describe, expect, it } from 'vitest'
import { defaultConfig } from './default-text.js'
import { formatConfig } from './format-config.js'
import { FIXED_SECTIONS, SERVER_KEYS } from './keys.js'
import { parseConfig } from './parse-config.js'
import type { EHTConfig } from './types.js'

const text = `[client]
bucket = eht_test
station = Kp
[server.local]
url = http://127.0.0.1:8086
token = local-secret-token
timeout = 2500ms
[server.db]
url = https://db.example.org:8086
api = v1
bucket = eht_test/autogen
username = eht
password = db-secret-password
gzip = false
ca_file = /etc/ssl/certs/ca-certificates.crt
[logfile]
path = "/data/kp #1/eht-%Y%m%d.lp"
format = lp
rotate = 64MB
[retry]
jitter = 0.35
min_delay = 1.5s
`
const config = parseConfig(text, '/station/config.ini', { env: {} })
const withoutSecrets = (c: EHTConfig) => ({ ...c, source: undefined, warnings: [], servers: c.servers.map((s) => ({ ...s, token: s.token === undefined ? undefined : '***', password: s.password === undefined ? undefined : '***' })) })

describe('formatConfig', () => {
  const printed = formatConfig(config)

  it('shows tokens and passwords as *** only', () => {
    expect(printed).not.toContain('secret')
    expect(printed).toContain('token = ***')
    expect(printed).toContain('password = ***')
  })

  it('parses back to the same configuration (secrets aside)', () => {
    // The *** of a secret is a placeholder: loading it as it is fails (see resolve-secrets.test.ts).
    const again = parseConfig(printed.replace('token = ***', 'token = t').replace('password = ***', 'password = p'), '/elsewhere/config.ini', { env: {} })
    expect(withoutSecrets(again)).toEqual(withoutSecrets(config))
    const dflt = defaultConfig({ cwd: '/station' })
    expect(parseConfig(formatConfig(dflt), undefined, { env: {}, cwd: '/other' })).toEqual({ ...dflt, warnings: [] })
  })

  it('writes every key, unset ones commented out, and the warnings as comments', () => {
    for (const [section, keys] of Object.entries(FIXED_SECTIONS)) {
      const block = printed.slice(printed.indexOf(`[${section}]`)).split('\n\n')[0]!
      for (const { key } of keys) expect(block, `${section} ${key}`).toMatch(new RegExp(`^;?${key} =`, 'm'))
    }
    const server = printed.slice(printed.indexOf('[server.db]')).split('\n\n')[0]!
    for (const { key } of SERVER_KEYS.filter((k) => !k.key.endsWith('_env') && !k.key.endsWith('_file') || k.key === 'ca_file')) expect(server, key).toMatch(new RegExp(`^;?${key} =`, 'm'))
    expect(printed).toContain('station = Kp\n')
    expect(formatConfig(defaultConfig())).toMatch(/^\[client\]\n;bucket =\norg = eht\n;station =\n/m)
    const warned = formatConfig({ ...config, warnings: ['something to know'] })
    expect(warned).toContain('; warning: something to know\n')
  })
})
