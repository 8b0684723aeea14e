import { describe, expect, it } from 'vitest'
import * as api from './index.js'

describe('the public API', () => {
  it('exports the names writer, replay and cli are written against', () => {
    for (const name of ['Secret', 'loadConfig', 'parseConfig', 'defaultConfigText', 'defaultConfig', 'formatConfig', 'configSchema', 'parseDuration', 'parseSize', 'ConfigError']) {
      expect(api, name).toHaveProperty(name)
    }
  })

  it('loads a configuration end to end through the index', () => {
    const config = api.parseConfig('[client]\nbucket = eht_test\n[server.local]\nurl = http://127.0.0.1:8086\ntoken_env = T\n', '/etc/eht/config.ini', { env: { T: 'secret-token' } })
    expect(config.servers[0]!.token).toBeInstanceOf(api.Secret)
    expect(api.formatConfig(config)).not.toContain('secret-token')
    expect(api.parseDuration('5m')).toBe(300_000)
  })
})
