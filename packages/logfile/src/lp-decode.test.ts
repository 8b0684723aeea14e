import { describe, expect, it } from 'vitest'
import { escapingCases } from '../test/fixtures/escaping-cases.js'
import { asWritten, randomRecords } from '../test/fixtures/random-records.js'
import { LineProtocolError } from './errors.js'
import { decodeLineProtocol } from './lp-decode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { thrownBy } from '../test/fixtures/thrown.js'

describe('decodeLineProtocol', () => {
  it.each(escapingCases)('reads back the record of: $name', ({ record, lp }) => {
    expect(decodeLineProtocol(lp)).toEqual(asWritten(record))
  })

  it('round-trips 3000 random records of every field type, int64/uint64 extremes and timestamps above 2^53', () => {
    const records = randomRecords(11, 3000, { bigIntegers: true })
    expect(records.some((r) => Object.values(r.fields).some((f) => f.type === 'unsigned' && f.value > 2n ** 63n))).toBe(true)
    for (const record of records) expect(decodeLineProtocol(encodeLineProtocol(record))).toEqual(asWritten(record))
  })

  it('reads every boolean spelling, and rejects a bare word that only an object would know (constructor, toString)', () => {
    const spellings = { t: true, T: true, true: true, True: true, TRUE: true, f: false, F: false, false: false, False: false, FALSE: false }
    for (const [token, value] of Object.entries(spellings)) expect(decodeLineProtocol(`m b=${token} 1`).fields.b, token).toEqual({ type: 'boolean', value })
    for (const token of ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'tRUE', 'fals', 'yes']) {
      expect(() => decodeLineProtocol(`m b=${token} 1`), token).toThrow(/which is not a float, integer \(i\), unsigned \(u\), boolean or "string"/)
    }
  })

  it('reads integers and unsigned integers as BigInt does, up to their limits, leading zeros included', () => {
    const cases = ['0i', '-0i', '7i', '007i', '-007i', '9223372036854775807i', '-9223372036854775808i', '9223372036854775808i', '-9223372036854775809i', '0u', '007u', '18446744073709551615u', '18446744073709551616u', '-1u', '1.5i', '--1i', 'i', 'u']
    for (const token of cases) {
      const digits = token.slice(0, -1)
      const signed = token.endsWith('i')
      const valid = signed ? /^-?\d+$/.test(digits) : /^\d+$/.test(digits)
      const value = valid ? BigInt(digits) : undefined
      const inRange = value !== undefined && (signed ? value >= -(2n ** 63n) && value < 2n ** 63n : value < 2n ** 64n)
      if (inRange) expect(decodeLineProtocol(`m v=${token} 1`).fields.v, token).toEqual({ type: signed ? 'integer' : 'unsigned', value })
      else expect(() => decodeLineProtocol(`m v=${token} 1`), token).toThrow(valid ? /outside the u?int64 range/ : /which is not a float/)
    }
  })

  it('tells 3, 3.0, 3i, 3u, "3" and true apart', () => {
    const { fields } = decodeLineProtocol('m a=3,b=3.0,c=3i,d=3u,e="3",f=true,g=-1.5E-3 1')
    expect(fields).toEqual({
      a: { type: 'float', value: 3 },
      b: { type: 'float', value: 3 },
      c: { type: 'integer', value: 3n },
      d: { type: 'unsigned', value: 3n },
      e: { type: 'string', value: '3' },
      f: { type: 'boolean', value: true },
      g: { type: 'float', value: -0.0015 },
    })
  })

  it.each(['t', 'T', 'true', 'True', 'TRUE'])('reads %s as true', (word) => {
    expect(decodeLineProtocol(`m b=${word} 1`).fields.b).toEqual({ type: 'boolean', value: true })
  })

  it.each(['f', 'F', 'false', 'False', 'FALSE'])('reads %s as false', (word) => {
    expect(decodeLineProtocol(`m b=${word} 1`).fields.b).toEqual({ type: 'boolean', value: false })
  })

  it('reads string values with characters beyond the BMP (surrogate pairs) and control characters other than newline', () => {
    expect(decodeLineProtocol('m f="🔭 a\tb\\" ☃" 1').fields.f).toEqual({ type: 'string', value: '🔭 a\tb" ☃' })
  })

  it('reads \\= and \\" in a measurement as InfluxDB 1.x does (without the backslash); tags keep \\"', () => {
    expect(decodeLineProtocol('e\\=8 v=1 1').measurement).toBe('e=8')
    expect(decodeLineProtocol('a\\"b v=1 1').measurement).toBe('a"b')
    expect(decodeLineProtocol('m,k\\"=v\\"x v=1 1').tags).toEqual({ 'k\\"': 'v\\"x' })
    // What it reads is a valid record, which encodes to a line InfluxDB reads as the same names.
    for (const line of ['e\\=8 v=1 1', 'a\\"b v=1 1']) {
      const record = decodeLineProtocol(line)
      expect(decodeLineProtocol(encodeLineProtocol(record))).toEqual(record)
    }
  })

  it('keeps the timestamp exact above 2^53 and accepts CRLF and repeated spaces', () => {
    const record = decodeLineProtocol('pps,station=Kp  offset=1i   1617672549204824064\r')
    expect(record.timestamp).toBe(1617672549204824064n)
    expect(record.tags).toEqual({ station: 'Kp' })
  })

  it.each([
    ['m v=1', 6, 'no timestamp'],
    ['fq,s=Kp temp"C=21.5 1', 9, 'field key "temp\\"C" contains a double quote (")'],
    ['m a=2,b\\"c=3 1', 7, 'field key "b\\"c" contains a double quote (")'],
    ['m', 2, 'no fields'],
    ['m,t v=1 1', 4, 'tag key "t" is not followed by "="'],
    ['m,t= v=1 1', 5, 'tag "t" has an empty value'],
    ['m v= 1', 5, 'field "v" has no value'],
    ['m v=abc 1', 5, 'not a float, integer (i), unsigned (u), boolean or "string"'],
    ['m s="abc 1', 5, 'no closing double quote'],
    ['m s="a"b 1', 8, 'expected "," or " " after the value of field "s"'],
    ['m v=1 12a', 7, 'is not an integer of nanoseconds'],
    ['m v=1 1 x', 9, 'unexpected text after the timestamp'],
    ['_m v=1 1', 1, 'starts with "_"'],
    ['m,time=x v=1 1', 3, 'tag key "time" is reserved'],
    ['m _f=1 1', 3, 'starts with "_"'],
    ['m v=9223372036854775808i 1', 5, 'outside the int64 range'],
    ['m v=-1u 1', 5, 'not a float'],
    ['m v=1e400 1', 5, 'outside the float64 range'],
    ['m,a=1,a=2 v=1 1', 7, 'tag "a" appears twice'],
    ['m v=1,v=2 1', 7, 'field "v" appears twice'],
    ['m v=1 9223372036854775807', 7, "outside InfluxDB's range"],
    ['# a comment', 1, 'comment line'],
    ['m,t=a\\\\b v=1 1', 5, 'backslash before "\\\\"'],
    ['m f="a\nb" 1', 5, 'string field "f" contains a newline'],
    ['m g=1,f="x\\"\n" 1', 9, 'string field "f" contains a newline'],
    ['m f="a\uD800b" 1', 5, 'string field "f" contains a lone UTF-16 surrogate'],
    ['m f="\uDFFF" 1', 5, 'string field "f" contains a lone UTF-16 surrogate'],
  ])('rejects %j at column %i: %s', (line, column, reason) => {
    const thrown = thrownBy(() => decodeLineProtocol(line))
    expect(LineProtocolError.isInstance(thrown), String(thrown)).toBe(true)
    expect((thrown as LineProtocolError).column).toBe(column)
    expect((thrown as LineProtocolError).message).toContain(reason)
  })
})
