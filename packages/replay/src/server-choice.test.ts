import { describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { ReplayOptionsError } from './errors.js'
import { chooseServers, findServer } from './server-choice.js'
import { afterAll } from 'vitest'

afterAll(removeTempDirs)

const dir = tempDir()
const config = testConfig(dir, [
  { name: 'local', url: 'http://127.0.0.1:1', api: 'v1' },
  { name: 'cloud', url: 'http://127.0.0.1:2', api: 'v2', extra: ['enabled = false'] },
])

function failure(f: () => unknown): ReplayOptionsError {
  try {
    f()
  } catch (error) {
    if (ReplayOptionsError.isInstance(error)) return error
    throw error
  }
  throw new Error('no error')
}

describe('chooseServers', () => {
  it('takes the enabled servers by default and named ones even when disabled', () => {
    expect(chooseServers(config, undefined).map((s) => s.name)).toEqual(['local'])
    expect(chooseServers(config, ['cloud', 'local']).map((s) => s.name)).toEqual(['cloud', 'local'])
  })

  it('names an unknown server, where it was asked for, and the known ones', () => {
    const error = failure(() => chooseServers(config, ['local', 'clod']))
    expect(error.key).toBe('servers[1]')
    expect(error.message).toBe(`servers[1]: no server "clod" in ${config.source}; known servers: local, cloud`)
  })

  it('refuses an empty list and a configuration without an enabled server', () => {
    expect(failure(() => chooseServers(config, [])).key).toBe('servers')
    const none = testConfig(tempDir(), [])
    expect(failure(() => chooseServers(none, undefined)).message).toMatch(/has no enabled server to send to/)
    expect(failure(() => findServer(none, 'local', 'server')).message).toMatch(/known servers: none$/)
  })
})
