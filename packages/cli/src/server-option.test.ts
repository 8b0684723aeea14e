import { parseConfig } from '@eht-influx-client/config'
import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { serverOption } from './server-option.js'

const config = parseConfig('[client]\nbucket = eht_test\n[server.local]\nurl = http://127.0.0.1:1\napi = v1\n[server.cloud]\nurl = http://127.0.0.1:2\napi = v1\n', '/station/influx_config.ini', { env: {} })

describe('serverOption (--server <name>)', () => {
  it('the configured server of that name', () => {
    expect(serverOption(config, 'cloud').name).toBe('cloud')
  })

  it.each([
    ['nope', '--server nope: no such server in /station/influx_config.ini; known: local, cloud'],
    ['LOCAL', '--server LOCAL: no such server in /station/influx_config.ini; known: local, cloud (names are case-sensitive: --server local?)'],
  ])('%j: a usage error naming the option, the file and the known servers', (name, message) => {
    expect(() => serverOption(config, name)).toThrow(new UsageError(message))
    expect(() => serverOption(config, name)).toThrow(UsageError)
  })
})
