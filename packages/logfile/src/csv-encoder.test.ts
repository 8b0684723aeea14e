import { describe, expect, it } from 'vitest'
import { CsvEncoder } from './csv-encoder.js'
import { RecordError } from './errors.js'
import type { FieldValue, InfluxRecord } from './record.js'

const f = (value: number): FieldValue => ({ type: 'float', value })
const weather = (t: bigint, fields: Record<string, FieldValue>, tags: Record<string, string> = { station: 'Kp' }): InfluxRecord => ({ measurement: 'weather', tags, fields, timestamp: t })

describe('CsvEncoder', () => {
  it('writes a #datatype row and a header (timestamp first), then rows while the columns stay the same', () => {
    const text = new CsvEncoder().encode([weather(1n, { temp: f(-12.5) }), weather(2n, { temp: f(3) })])
    expect(text).toBe('#datatype dateTime:number,measurement,tag,double\ntime,measurement,station,temp\n1,weather,Kp,-12.5\n2,weather,Kp,3\n')
  })

  it('starts a new block with the union of columns when a field or measurement brings new ones, and leaves absent cells empty', () => {
    const encoder = new CsvEncoder()
    const first = encoder.encode([weather(1n, { temp: f(1) })])
    const text = encoder.encode([
      { measurement: 'maser', tags: { station: 'Kp', unit: 'H2' }, fields: { temp: f(2), locked: { type: 'boolean', value: true } }, timestamp: 2n },
      weather(3n, { temp: f(3) }),
    ])
    expect(first).toContain('#datatype')
    expect(text).toBe(
      '#datatype dateTime:number,measurement,tag,tag,boolean,double\ntime,measurement,station,unit,locked,temp\n2,maser,Kp,H2,true,2\n3,weather,Kp,,,3\n',
    )
  })

  it('writes every datatype, quotes as RFC 4180 and writes an empty string as ""', () => {
    const record: InfluxRecord = {
      measurement: 'm,1',
      tags: { 'tag,key': 'a "b"' },
      fields: { i: { type: 'integer', value: -9223372036854775808n }, u: { type: 'unsigned', value: 18446744073709551615n }, s: { type: 'string', value: '' }, b: { type: 'boolean', value: false }, x: f(1e21) },
      timestamp: 1617672549204824064n,
    }
    expect(new CsvEncoder().encode([record])).toBe(
      '#datatype dateTime:number,measurement,tag,boolean,long,string,unsignedLong,double\n' +
        'time,measurement,"tag,key",b,i,s,u,x\n' +
        '1617672549204824064,"m,1","a ""b""",false,-9223372036854775808,"",18446744073709551615,1e+21\n',
    )
  })

  it('keeps a field of the same name but another type in its own column', () => {
    const text = new CsvEncoder().encode([weather(1n, { v: f(1) }), weather(2n, { v: { type: 'integer', value: 1n } })])
    expect(text.split('\n')[3]).toBe('#datatype dateTime:number,measurement,tag,double,long')
    expect(text.split('\n')[5]).toBe('2,weather,Kp,,1')
  })

  it('starts over with only the new columns when the union would pass 64 columns', () => {
    const many = (prefix: string) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${prefix}${i}`, f(i)]))
    const encoder = new CsvEncoder()
    encoder.encode([weather(1n, many('a'))])
    const header = encoder.encode([weather(2n, many('b'))]).split('\n')[1]!
    expect(header.split(',')).toHaveLength(2 + 1 + 40)
    expect(header).not.toContain('a0')
  })

  it('repeats the header after reset() and after a rejected record', () => {
    const encoder = new CsvEncoder()
    encoder.encode([weather(1n, { temp: f(1) })])
    encoder.reset()
    expect(encoder.encode([weather(2n, { temp: f(2) })])).toMatch(/^#datatype/)
    expect(() => encoder.encode([weather(3n, { temp: f(3) }), weather(4n, { temp: f(NaN) })])).toThrow(/record 1 of 2: float field "temp" is NaN/)
    expect(() => encoder.encode([weather(5n, { _temp: f(1) })])).toThrow(RecordError)
    expect(encoder.encode([weather(6n, { temp: f(6) })])).toMatch(/^#datatype/)
  })
  it('names a field that is not a { type, value } object (null, a number), as the JSONL and LP encoders do', () => {
    for (const value of [null, 3, 'x']) {
      const record = weather(7n, { temp: f(1), bad: value as never })
      const error = (() => {
        try {
          new CsvEncoder().encode([weather(6n, { temp: f(6) }), record])
          return undefined
        } catch (e) {
          return e
        }
      })()
      expect(RecordError.isInstance(error), String(error)).toBe(true)
      expect((error as Error).message).toMatch(/^record 1 of 2: field "bad" must be an object \{ type, value \}/)
    }
  })
})
