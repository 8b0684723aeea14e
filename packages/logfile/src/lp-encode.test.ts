import { Point } from '@influxdata/influxdb-client'
import { describe, expect, it } from 'vitest'
import { escapingCases } from '../test/fixtures/escaping-cases.js'
import { asWritten, randomRecords } from '../test/fixtures/random-records.js'
import { RecordError } from './errors.js'
import { decodeLineProtocol } from './lp-decode.js'
import { encodeLineProtocol } from './lp-encode.js'
import type { InfluxRecord } from './record.js'
import { thrownBy } from '../test/fixtures/thrown.js'

/** The same point built with the official client. */
function officialPoint(record: InfluxRecord): Point {
  const point = new Point(record.measurement).timestamp(record.timestamp.toString())
  for (const [key, value] of Object.entries(record.tags)) point.tag(key, value)
  for (const [key, field] of Object.entries(record.fields)) {
    if (field.type === 'float') point.floatField(key, field.value)
    else if (field.type === 'integer') point.intField(key, field.value.toString())
    else if (field.type === 'unsigned') point.uintField(key, field.value.toString())
    else if (field.type === 'string') point.stringField(key, field.value)
    else point.booleanField(key, field.value)
  }
  return point
}

/** What Point.intField() prints for an integer: it goes through a number, printed as JS prints numbers (2^60 is `1152921504606847000`). */
const pointInteger = (value: bigint) => String(Math.floor(Number(value)))
const pointIsExact = (record: InfluxRecord) => Object.values(record.fields).every((f) => f.type !== 'integer' || pointInteger(f.value) === f.value.toString())

describe('encodeLineProtocol', () => {
  it.each(escapingCases)('escapes as InfluxDB reads it: $name', ({ record, lp }) => {
    expect(encodeLineProtocol(record)).toBe(lp)
  })

  it('prints what Point.toLineProtocol() prints for every escaping case and 4000 random records of every type where Point is exact', () => {
    const records = [...escapingCases.map((c) => c.record), ...randomRecords(7, 2000), ...randomRecords(8, 2000, { bigIntegers: true })]
    const exact = records.filter(pointIsExact)
    // Every field type, booleans included, and integers up to 2^53 (some records are left to the test below).
    for (const type of ['float', 'integer', 'unsigned', 'string', 'boolean']) expect(exact.some((r) => Object.values(r.fields).some((f) => f.type === type))).toBe(true)
    expect(exact.some((r) => Object.values(r.fields).some((f) => f.type === 'unsigned' && f.value > 2n ** 63n))).toBe(true)
    expect(exact.length).toBeGreaterThan(2500)
    for (const record of exact) expect(encodeLineProtocol(record), JSON.stringify(record.measurement)).toBe(officialPoint(record).toLineProtocol())
  })

  it('writes booleans T/F as Point does', () => {
    const record: InfluxRecord = { measurement: 'recorder', tags: { station: 'Kp' }, fields: { armed: { type: 'boolean', value: true }, full: { type: 'boolean', value: false } }, timestamp: 5n }
    expect(encodeLineProtocol(record)).toBe('recorder,station=Kp armed=T,full=F 5')
    expect(officialPoint(record).toLineProtocol()).toBe('recorder,station=Kp armed=T,full=F 5')
  })

  it('keeps integers beyond 2^53 exact where Point.intField() rounds them through a number; the rest of the line is the same', () => {
    const record: InfluxRecord = { measurement: 'm', tags: {}, fields: { n: { type: 'integer', value: 9007199254740993n } }, timestamp: 1617672549204824064n }
    expect(encodeLineProtocol(record)).toBe('m n=9007199254740993i 1617672549204824064')
    expect(officialPoint(record).toLineProtocol()).toBe('m n=9007199254740992i 1617672549204824064')
    const inexact = randomRecords(8, 2000, { bigIntegers: true }).filter((r) => !pointIsExact(r))
    expect(inexact.length).toBeGreaterThan(500)
    for (const r of inexact) {
      expect(decodeLineProtocol(encodeLineProtocol(r)).fields).toEqual(asWritten(r).fields) // ours: exact
      // Point's: the same line with each such integer rounded to a double and printed as JS prints it.
      const rounded: InfluxRecord = { ...r, fields: Object.fromEntries(Object.entries(r.fields).map(([k, f]) => [k, f.type === 'integer' ? { type: 'integer', value: BigInt(pointInteger(f.value)) } : f])) }
      expect(officialPoint(r).toLineProtocol()).toBe(encodeLineProtocol(rounded))
      expect(officialPoint(r).toLineProtocol()).not.toBe(encodeLineProtocol(r))
    }
  })

  it.each([
    ['a reserved measurement', { measurement: '_m' }, 'measurement'],
    ['a tag key named time', { tags: { time: 'x' } }, 'tags.time'],
    ['a newline in a tag value', { tags: { k: 'a\nb' } }, 'tags.k'],
    ['NaN', { fields: { v: { type: 'float', value: NaN } } }, 'fields.v'],
    ['no fields', { fields: {} }, 'fields'],
  ])('throws RecordError for %s', (_name, change, key) => {
    const record = { measurement: 'm', tags: {}, fields: { v: { type: 'float', value: 1 } }, timestamp: 1n, ...change } as InfluxRecord
    const thrown = thrownBy(() => encodeLineProtocol(record))
    expect(RecordError.isInstance(thrown)).toBe(true)
    expect((thrown as RecordError).key).toBe(key)
  })
})
