import { Point } from '@influxdata/influxdb-client'
import { describe, expect, it } from 'vitest'
import { escapingCases } from '../test/fixtures/escaping-cases.js'
import { randomRecords } from '../test/fixtures/random-records.js'
import { RecordError } from './errors.js'
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

describe('encodeLineProtocol', () => {
  it.each(escapingCases)('escapes as InfluxDB reads it: $name', ({ record, lp }) => {
    expect(encodeLineProtocol(record)).toBe(lp)
  })

  it('prints what Point.toLineProtocol() prints for every escaping case Point can build', () => {
    // Point writes booleans T/F and takes integers through a number (see below).
    const pointCan = (c: (typeof escapingCases)[number]) => Object.values(c.record.fields).every((f) => f.type !== 'boolean' && (f.type !== 'integer' || (f.value <= BigInt(Number.MAX_SAFE_INTEGER) && f.value >= -BigInt(Number.MAX_SAFE_INTEGER))))
    const cases = escapingCases.filter(pointCan)
    expect(cases.length).toBeGreaterThan(20)
    for (const { record } of cases) expect(encodeLineProtocol(record), JSON.stringify(record.tags)).toBe(officialPoint(record).toLineProtocol())
  })

  it('agrees with Point.toLineProtocol() on 2000 random records with names that need escaping', () => {
    for (const record of randomRecords(7, 2000, { booleans: false })) {
      expect(encodeLineProtocol(record)).toBe(officialPoint(record).toLineProtocol())
    }
  })

  it('writes booleans as true/false where Point writes T/F, otherwise the same line', () => {
    const record: InfluxRecord = { measurement: 'recorder', tags: { station: 'Kp' }, fields: { armed: { type: 'boolean', value: true }, full: { type: 'boolean', value: false } }, timestamp: 5n }
    const official = officialPoint(record).toLineProtocol()
    expect(official).toBe('recorder,station=Kp armed=T,full=F 5')
    expect(encodeLineProtocol(record)).toBe('recorder,station=Kp armed=true,full=false 5')
  })

  it('keeps integers above 2^53 exact, where Point.intField() rounds them through a number', () => {
    const record: InfluxRecord = { measurement: 'm', tags: {}, fields: { n: { type: 'integer', value: 9007199254740993n } }, timestamp: 1617672549204824064n }
    expect(encodeLineProtocol(record)).toBe('m n=9007199254740993i 1617672549204824064')
    expect(officialPoint(record).toLineProtocol()).toBe('m n=9007199254740992i 1617672549204824064')
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
