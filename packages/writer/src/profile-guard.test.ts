import { describe, expect, it } from 'vitest'
import type { ServerConfig } from '@eht-influx-client/config'
import { ProfileGuardError } from './errors.js'
import { checkProfile } from './profile-guard.js'

const server = (name: string, bucket: string) => ({ name, bucket }) as ServerConfig
const client = (profile: 'test' | 'prod') => ({ client: { profile, bucket: undefined, org: 'eht', station: undefined, writeMode: 'asynchronous' as const } })

describe('checkProfile', () => {
  it('test: every bucket (v1: the database of db/rp) must end in _test', () => {
    expect(() => checkProfile(client('test'), [server('a', 'eht_test'), server('b', 'eht_test/autogen')])).not.toThrow()
    expect(() => checkProfile(client('test'), [server('a', 'eht_test'), server('b', 'eht')])).toThrow(ProfileGuardError)
    expect(() => checkProfile(client('test'), [server('b', 'eht/x_test')])).toThrow('server "b" writes to bucket "eht/x_test", which does not end in _test; nothing was sent')
  })

  it('prod: no bucket may end in _test', () => {
    expect(() => checkProfile(client('prod'), [server('a', 'eht')])).not.toThrow()
    expect(() => checkProfile(client('prod'), [server('a', 'eht_test')])).toThrow(/profile is prod but server "a" writes to bucket "eht_test"/)
  })
})
