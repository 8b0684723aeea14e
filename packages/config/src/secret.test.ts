import util from 'node:util'
import { describe, expect, it } from 'vitest'
import { Secret } from './secret.js'

describe('Secret', () => {
  const secret = new Secret('s3cr3t-token==')

  it('gives its value only through reveal()', () => {
    expect(secret.reveal()).toBe('s3cr3t-token==')
  })

  it('prints as *** in strings, JSON and inspection, also inside other objects', () => {
    const holder = { server: 'local', token: secret, nested: [secret] }
    const printed = [String(secret), `${secret}`, 'x' + secret, JSON.stringify(holder), util.inspect(holder, { depth: 5 }), util.format('%o %s %j', holder, secret, holder)]
    for (const text of printed) expect(text).not.toContain('s3cr3t')
    expect(JSON.parse(JSON.stringify(holder))).toEqual({ server: 'local', token: '***', nested: ['***'] })
    expect(util.inspect(holder)).toContain('token: ***')
  })

  it('has no enumerable property holding the value', () => {
    expect(Object.keys(secret)).toEqual([])
    expect(Object.values(secret)).toEqual([])
  })
})
