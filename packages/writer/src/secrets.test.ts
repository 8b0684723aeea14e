import { describe, expect, it } from 'vitest'
import { Secret } from '@eht-influx-client/config'
import { scrubSecrets, secretValues } from './secrets.js'

describe('secretValues / scrubSecrets', () => {
  it('covers the token, the password and the Basic credential built from them', () => {
    const values = secretValues({ token: new Secret('tok'), username: 'eht', password: new Secret('pw') })
    expect(values).toEqual(['tok', 'pw', Buffer.from('eht:pw').toString('base64')])
    expect(scrubSecrets(`a tok b ${values[2]} c tok`, values)).toBe('a *** b *** c ***')
  })
  it('has nothing to scrub for a server without secrets', () => {
    expect(secretValues({ token: undefined, username: undefined, password: undefined })).toEqual([])
  })
})
