import { describe, expect, it } from 'vitest'
import { iniValue, keyLine } from './ini-lines.js'
import { scan } from './scan.js'

describe('iniValue', () => {
  it.each(['plain', 'a;b', 'with ; comment-like', 'x # y', ' padded ', '"quoted"', "'single'", 'back\\slash "q"', '%Y-%m-%d'])('writes %j so that it reads back exactly', (value) => {
    const read = scan(`[s]\nk = ${iniValue(value)} ; trailing comment\n`, undefined).entries[0]!.value
    expect(read).toBe(value)
  })

  it('quotes only when it must', () => {
    expect(iniValue('http://a:8086')).toBe('http://a:8086')
    expect(iniValue('a ;b')).toBe('"a ;b"')
  })
})

describe('keyLine', () => {
  it('comments out an unset key', () => {
    expect(keyLine('station', undefined)).toBe(';station =')
    expect(keyLine('bucket', undefined, 'eht_test')).toBe(';bucket = eht_test')
    expect(keyLine('bucket', 'b')).toBe('bucket = b')
  })
})
